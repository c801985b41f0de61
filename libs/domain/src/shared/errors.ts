/** A broken domain rule; `code` is stable and is what clients match on. */
export abstract class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The command itself is malformed (a value no state could accept). */
export class ValidationError extends DomainError {}

/** The command is well formed but the aggregate's state forbids it. */
export class IllegalStateError extends DomainError {}

/** The command targets an aggregate that does not exist. */
export class NotFoundError extends DomainError {
  constructor(what: string, id: string) {
    super('not_found', `${what} ${id} does not exist`);
  }
}
