import type { DomainEvent, NewEvent } from '#events';
import type { Folded } from './aggregate-cache.js';
import { handledBefore, resultAt, type CommandResult, type HandleCommandOptions } from './command-options.js';
import type { Command, Decider } from './decider.js';
import { WrongExpectedRevisionError, type AppendResult, type EventStore } from './event-store.port.js';
import { loadAggregate, remember, type AggregateSource, type Loaded } from './load-aggregate.js';

type AnyDecider = Decider<Command, DomainEvent, unknown>;

/** A command waiting for its stream, and how far it has got. */
interface Pending {
  readonly decider: AnyDecider;
  readonly command: Command;
  readonly options: HandleCommandOptions<DomainEvent>;
  /** The ids of its events, asked for once each: every attempt writes the same ones. */
  readonly ids: string[];
  attempt: number;
  /** The answer its idempotency key already had, found before it was first decided. */
  answered?: CommandResult;
  /** A conflict that is its answer, unless its events turn out to be in the stream after all. */
  failure?: WrongExpectedRevisionError;
  resolve(result: CommandResult): void;
  reject(error: unknown): void;
}

/** What a batch decided: the events to append, and each command's share of them. */
interface Round {
  readonly state: unknown;
  readonly events: NewEvent[];
  /** Commands that wait for the append, with the revision the stream is at after each. */
  readonly waiting: { readonly pending: Pending; readonly revision: number | null; readonly count: number }[];
  /** Commands answered without an append (refused, nothing to do, answered before), not yet told. */
  readonly settled: (() => void)[];
}

const jitter = (attempt: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));

const eventIdOf = (pending: Pending, index: number): string => (pending.ids[index] ??= pending.options.newEventId(index));

/**
 * Decides the batch's commands in turn, each on the state the ones before it left, and answers
 * (in `settled`, for the caller to tell) those that need no append. A command that is refused (a
 * domain error, a stale If-Match) fails alone; the others go on from the state before it.
 */
const decideInTurn = (streamId: string, decider: AnyDecider, loaded: Loaded<unknown>, batch: readonly Pending[]): Round => {
  let { state, revision } = loaded;
  const events: NewEvent[] = [];
  const waiting: Round['waiting'] = [];
  const settled: Round['settled'] = [];
  const resolve = (pending: Pending, result: CommandResult): number => settled.push(() => pending.resolve(result));
  const reject = (pending: Pending, error: unknown): number => settled.push(() => pending.reject(error));
  for (const pending of batch) {
    // An earlier attempt whose append committed although it was reported as failed: its events are the answer.
    const mine = pending.ids.length ? loaded.read.filter((e) => pending.ids.includes(e.eventId)) : [];
    if (mine.length) resolve(pending, resultAt(streamId, mine.at(-1), mine.length));
    else if (pending.failure) reject(pending, pending.failure);
    else if (pending.answered) resolve(pending, pending.answered);
    else if (pending.options.expectedRevision !== undefined && pending.options.expectedRevision !== revision) {
      reject(pending, new WrongExpectedRevisionError(streamId, pending.options.expectedRevision, revision));
    } else {
      let decided: DomainEvent[];
      try {
        decided = decider.decide(pending.command, state);
      } catch (error) {
        reject(pending, error);
        continue;
      }
      if (!decided.length && revision === loaded.revision) {
        resolve(pending, { streamId, revision, position: loaded.position, appended: 0 });
        continue;
      }
      decided.forEach((event, i) => {
        const { codec, metadata } = pending.options;
        events.push({ eventId: eventIdOf(pending, i), type: event.type, schemaVersion: codec.schemaVersion(event.type), occurredAt: pending.command.metadata.now, data: event.data, metadata });
        state = decider.evolve(state, event);
      });
      if (decided.length) revision = (revision ?? -1) + decided.length;
      waiting.push({ pending, revision, count: decided.length });
    }
  }
  return { state, events, waiting, settled };
};

/** Finds the commands whose idempotency key the stream already answered (see `handledBefore`). */
const lookUpKeys = (store: EventStore, streamId: string, batch: readonly Pending[]): Promise<unknown> =>
  Promise.all(
    batch.map(async (pending) => {
      const done = await handledBefore(store, streamId, pending.options.metadata, pending.command.metadata.now, pending.options.idempotencyWindowMs);
      if (done) pending.answered = resultAt(streamId, done);
    }),
  );

/**
 * The position of each revision an append wrote. The store reports the last one's; when several
 * commands shared the append their events are read back. Should that read fail, the commands did
 * succeed, and the batch's last position (at or after theirs) is their answer.
 */
const positionsOf = async (store: EventStore, streamId: string, round: Round, appended: AppendResult, from: number): Promise<(revision: number | null) => string> => {
  const last = appended.globalPosition;
  if (round.waiting.every((w) => w.revision === appended.nextRevision)) return () => last;
  try {
    const positions = new Map((await store.readStream(streamId, from)).map((e) => [e.streamRevision, e.globalPosition]));
    return (revision) => (revision === null ? last : (positions.get(revision) ?? last));
  } catch {
    return () => last;
  }
};

/** After a lost race: which commands are decided again (after a backoff), and which take the conflict as their answer. */
const lostRace = async (batch: readonly Pending[], conflict: WrongExpectedRevisionError): Promise<void> => {
  let again: Pending | undefined;
  for (const pending of batch) {
    if (pending.options.expectedRevision !== undefined || pending.attempt >= (pending.options.maxAttempts ?? 10)) {
      pending.failure = conflict;
    } else {
      pending.options.onLostRace?.(pending.attempt);
      pending.attempt++;
      if (!again || pending.attempt > again.attempt) again = pending;
    }
  }
  if (again) await (again.options.backoff ?? jitter)(again.attempt - 1);
};

/**
 * The state this process cached for the stream, taken as it is, without reading the stream: the
 * append at its revision fails if another process has moved the stream on since. Not for a batch
 * with an If-Match the cache does not match (the stream may have reached it elsewhere).
 */
const cachedAsIs = (source: AggregateSource, decider: AnyDecider, streamId: string, batch: readonly Pending[]): Loaded<unknown> | undefined => {
  const cached = source.cache?.get<unknown>(decider, streamId);
  if (!cached || batch.some((p) => p.options.expectedRevision !== undefined && p.options.expectedRevision !== cached.revision)) return undefined;
  return { ...cached, read: [] };
};

/**
 * Decides a batch of one stream's commands in turn and appends their events together, at the
 * revision loaded.
 *
 * A stream this process has cached is decided on the cache without reading the stream first (one
 * query less per command). That is safe for what it appends: the append is conditional on the
 * cached revision. It is not for what it answers without an append (a refusal on a stale balance,
 * say), so a round on the cache that answers any command so is done again on the stream read;
 * and an append refused because the cache was stale is decided again on what came after it, at
 * once (not a lost race: nothing was decided on the new state yet).
 */
const writeBatch = async (source: AggregateSource, decider: AnyDecider, streamId: string, batch: readonly Pending[]): Promise<void> => {
  const { codec } = batch[0]!.options;
  let todo = batch;
  let from: Folded<unknown> | undefined;
  for (let first = true; todo.length; first = false) {
    const asIs = first ? cachedAsIs(source, decider, streamId, todo) : undefined;
    const [loaded] = await Promise.all([asIs ?? loadAggregate(source, decider, codec, streamId, from), first ? lookUpKeys(source.store, streamId, todo) : undefined]);
    const round = decideInTurn(streamId, decider, loaded, todo);
    if (asIs && round.settled.length) {
      from = asIs;
      continue;
    }
    for (const settle of round.settled) settle();
    if (!round.events.length) return;
    try {
      const appended = await source.store.append(streamId, round.events, loaded.revision ?? 'no_stream');
      remember(source, decider, streamId, { state: round.state, revision: appended.nextRevision, position: appended.globalPosition, snapshotRevision: loaded.snapshotRevision });
      const positionOf = await positionsOf(source.store, streamId, round, appended, (loaded.revision ?? -1) + 1);
      for (const { pending, revision, count } of round.waiting) pending.resolve({ streamId, revision, position: positionOf(revision), appended: count });
      return;
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError)) throw error;
      todo = round.waiting.map((w) => w.pending);
      if (!asIs) await lostRace(todo, error);
      // Another writer moved the stream on: the state loaded is still a correct prefix of it, so
      // the next round reads only what came after it (our own events too, should they be there).
      from = loaded;
    }
  }
};

/**
 * The write path of a process: commands are decided against the stream's folded state (cached,
 * see `loadAggregate`) and appended at the revision folded, so a writer in another process makes
 * the append fail rather than both succeed; a command without If-Match is then decided again on
 * the new state, with one the conflict is its answer. Commands for one stream run in turn: those
 * that arrive while the stream is busy wait, and are then decided one after the other against the
 * state the earlier ones left, and appended together (one append, consecutive revisions; the
 * store's group commit batches it with other streams' appends). Each gets its own answer, and a
 * refused one fails alone. Different streams never wait for each other.
 */
export class StreamWriter {
  private readonly queues = new Map<string, Pending[]>();

  constructor(
    private readonly source: AggregateSource,
    /** Most commands decided and appended together. */
    private readonly maxBatch = 64,
    /** Told the size of each batch of one stream's commands taken together (1: a command alone). */
    private readonly onBatch?: (size: number) => void,
  ) {}

  submit<C extends Command, E extends DomainEvent, S>(decider: Decider<C, E, S>, streamId: string, command: C, options: HandleCommandOptions<E>): Promise<CommandResult> {
    return new Promise<CommandResult>((resolve, reject) => {
      const pending: Pending = { decider: decider as unknown as AnyDecider, command, options, ids: [], attempt: 1, resolve, reject };
      const queue = this.queues.get(streamId);
      if (queue) {
        queue.push(pending);
        return;
      }
      this.queues.set(streamId, [pending]);
      void this.drain(streamId);
    });
  }

  /** Streams with commands waiting or running (for tests and metrics). */
  get busyStreams(): number {
    return this.queues.size;
  }

  private async drain(streamId: string): Promise<void> {
    const queue = this.queues.get(streamId)!;
    while (queue.length) {
      const { decider } = queue[0]!;
      let size = 1;
      while (size < queue.length && size < this.maxBatch && queue[size]!.decider === decider) size++;
      const batch = queue.splice(0, size);
      this.onBatch?.(batch.length);
      try {
        await writeBatch(this.source, decider, streamId, batch);
      } catch (error) {
        // Commands settled already keep their answer; the rest share the failure.
        for (const pending of batch) pending.reject(error);
      }
      // Lets the callers just answered send their next command before the next batch is taken (or
      // the stream left idle), so that it joins that batch rather than starting one of its own.
      await new Promise((resolve) => setImmediate(resolve));
    }
    this.queues.delete(streamId);
  }
}
