import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { knownEventCodec, type KnownEvent } from '#events';
import {
  handleCommand,
  StreamQueue,
  WrongExpectedRevisionError,
  type Command,
  type CommandResult,
  type Decider,
  type EventStore,
  type HandleCommandOptions,
} from '#eventsourcing';
import { appendDuration, concurrencyConflicts } from '../metrics/write.metrics.js';
import { tracedEventStore } from '../tracing/traced-event-store.js';
import { activeTraceparent, inSpan } from '../tracing/tracing.js';
import { EVENT_STORE } from './event-store.token.js';

export type WriteOptions<E extends KnownEvent> = Omit<HandleCommandOptions<E>, 'codec' | 'newEventId'> &
  Partial<Pick<HandleCommandOptions<E>, 'newEventId'>>;

/** Options every command of this process gets unless it says otherwise (command-api: the idempotency window). */
export const WRITE_DEFAULTS = Symbol('WRITE_DEFAULTS');
export type WriteDefaults = Pick<HandleCommandOptions<KnownEvent>, 'idempotencyWindowMs' | 'maxAttempts'>;

const countLostRace = (): void => concurrencyConflicts.inc({ outcome: 'retried' });

/**
 * The store with its appends timed. Timed here rather than in an adapter: it is what a command
 * waits for whichever store EVENT_STORE selects, group-commit queueing included.
 */
const timedAppends = (store: EventStore): EventStore => ({
  append: async (streamId, events, expected) => {
    const end = appendDuration.startTimer();
    try {
      const result = await store.append(streamId, events, expected);
      end({ outcome: 'ok' });
      return result;
    } catch (error) {
      end({ outcome: error instanceof WrongExpectedRevisionError ? 'conflict' : 'error' });
      throw error;
    }
  },
  readStream: (streamId, fromRevision) => store.readStream(streamId, fromRevision),
  readAll: (from, batchSize) => store.readAll(from, batchSize),
  readableHead: () => store.readableHead(),
  close: () => store.close(),
});

/**
 * `handleCommand` on this process's event store, with the project's event codec and random event
 * ids unless the caller derives them: what command-api's handlers and the payment saga both use.
 * Commands for one stream are run in turn (StreamQueue), so a busy stream does not race itself.
 * Each command is a span (`handleCommand <type>`), and the events it appends carry that span's
 * `traceparent` in their metadata: the relay, the projector and the saga continue the trace from it.
 */
@Injectable()
export class WritePath {
  private readonly queue = new StreamQueue();
  /** The store, its calls traced and its appends timed. */
  private readonly instrumented: EventStore;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(WRITE_DEFAULTS) private readonly defaults: WriteDefaults,
  ) {
    this.instrumented = timedAppends(tracedEventStore(store));
  }

  /** The state a decider folds from the stream as it is now: for a command that needs a fact of another aggregate. */
  async stateOf<E extends KnownEvent, S>(decider: Pick<Decider<Command, E, S>, 'evolve' | 'initialState'>, streamId: string): Promise<S> {
    const codec = knownEventCodec<E>();
    return (await this.store.readStream(streamId)).reduce((state, event) => decider.evolve(state, codec.decode(event)), decider.initialState);
  }

  handle<C extends Command, E extends KnownEvent, S>(decider: Decider<C, E, S>, streamId: string, command: C, options: WriteOptions<E>): Promise<CommandResult> {
    // One command at a time per stream in this process: a 409 is left for writers in other processes.
    return inSpan(`handleCommand ${command.type}`, { attributes: { 'ledger.command': command.type, 'ledger.stream_id': streamId } }, () => {
      // Untraced, a traceparent the caller sent is kept as it came.
      const traceparent = activeTraceparent();
      const metadata = traceparent ? { ...options.metadata, traceparent } : options.metadata;
      return this.queue.run(streamId, () =>
        handleCommand(this.instrumented, decider, streamId, command, {
          codec: knownEventCodec<E>(),
          newEventId: () => randomUUID(),
          onLostRace: countLostRace,
          ...this.defaults,
          ...options,
          metadata,
        }),
      );
    });
  }
}
