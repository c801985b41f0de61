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

/** The actor's role does not allow the command, whatever its target (403). */
export class ForbiddenError extends DomainError {
  constructor(message: string, code = 'forbidden') {
    super(code, message);
  }
}

/**
 * The command targets an aggregate that does not exist, or one the actor may not see: both answer
 * the same, so ids cannot be probed.
 */
export class NotFoundError extends DomainError {
  constructor(what: string, id: string) {
    super('not_found', `${what} ${id} does not exist`);
  }
}
