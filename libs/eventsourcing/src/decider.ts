import type { DomainEvent } from '#events';

/** What every command carries besides its data: time and identity come from outside. */
export interface CommandMetadata {
  readonly now: string;
}

export interface Command<TType extends string = string, TData = unknown> {
  readonly type: TType;
  readonly data: TData;
  readonly metadata: CommandMetadata;
}

/**
 * How a decider's state is kept in a snapshot (plain JSON). `version` names the state's shape: a
 * snapshot of another version is ignored and the state is folded from the events again.
 */
export interface StateSnapshot<S> {
  readonly version: number;
  readonly toJson: (state: S) => unknown;
  readonly fromJson: (json: unknown) => S;
}

/** A pure aggregate: decide what happens, and fold what happened into state. */
export interface Decider<C extends Command, E extends DomainEvent, S> {
  readonly decide: (command: C, state: S) => E[];
  readonly evolve: (state: S, event: E) => S;
  readonly initialState: S;
  /** Without it the aggregate is never snapshotted (its state is still cached in memory). */
  readonly snapshot?: StateSnapshot<S>;
}

export const fold = <E extends DomainEvent, S>(decider: Pick<Decider<never, E, S>, 'evolve' | 'initialState'>, events: readonly E[]): S =>
  events.reduce(decider.evolve, decider.initialState);

/**
 * A pure workflow (a saga, a process manager): given what happened, which commands to send.
 * `evolve` folds every input, the workflow's own command outcomes included, into its state.
 */
export interface Workflow<I, S, Send> {
  readonly decide: (input: I, state: S) => Send[];
  readonly evolve: (state: S, input: I) => S;
  readonly initialState: S;
}
