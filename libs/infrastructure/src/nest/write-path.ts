import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { knownEventCodec, type KnownEvent } from '#events';
import {
  AggregateCache,
  type AggregateSource,
  loadAggregate,
  StreamWriter,
  WrongExpectedRevisionError,
  type Command,
  type CommandResult,
  type Decider,
  type EventStore,
  type Folding,
  type HandleCommandOptions,
  type SnapshotStore,
} from '#eventsourcing';
import { createLogger } from '../logging/logger.js';
import { appendDuration, concurrencyConflicts, streamBatchSize } from '../metrics/write.metrics.js';
import { tracedEventStore } from '../tracing/traced-event-store.js';
import { activeTraceparent, inSpan } from '../tracing/tracing.js';
import { EVENT_STORE } from './event-store.token.js';

export type WriteOptions<E extends KnownEvent> = Omit<HandleCommandOptions<E>, 'codec' | 'newEventId'> &
  Partial<Pick<HandleCommandOptions<E>, 'newEventId'>>;

/** Options every command of this process gets unless it says otherwise (command-api: the idempotency window). */
export const WRITE_DEFAULTS = Symbol('WRITE_DEFAULTS');
export type WriteDefaults = Pick<HandleCommandOptions<KnownEvent>, 'idempotencyWindowMs' | 'maxAttempts'>;

/** How this process keeps streams folded: the cache's size, and snapshots (none without a store). */
export const WRITE_CACHING = Symbol('WRITE_CACHING');
export interface WriteCaching {
  readonly cacheSize?: number;
  readonly snapshots?: SnapshotStore;
  readonly snapshotEvery?: number;
}

const log = createLogger('write-path');
const countLostRace = (): void => concurrencyConflicts.inc({ outcome: 'retried' });

/**
 * The store with its appends timed. Timed here rather than in an adapter: it is what a command
 * waits for whichever store EVENT_STORE selects, group-commit queueing included.
 */
const timedAppends = (store: EventStore): EventStore => ({
  ...(store.readByIdempotencyKey && { readByIdempotencyKey: (streamId: string, key: string) => store.readByIdempotencyKey!(streamId, key) }),
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
  readAll: (from, batchSize, filter) => store.readAll(from, batchSize, filter),
  readableHead: () => store.readableHead(),
  close: () => store.close(),
});

/**
 * The write path of this process, on its event store, with the project's event codec and random
 * event ids unless the caller derives them: what command-api's handlers and the payment saga both
 * use. Streams are kept folded in an LRU cache (and snapshotted when long), so a command reads only
 * the events after the revision it holds; commands for one stream queue and are decided in turn,
 * then appended together (StreamWriter), so a busy stream does not race itself: a 409 is left for
 * writers in other processes and for If-Match. Each command is a span (`handleCommand <type>`),
 * and the events it appends carry that span's `traceparent` in their metadata: the relay, the
 * projector and the saga continue the trace from it.
 */
@Injectable()
export class WritePath {
  private readonly writer: StreamWriter;
  private readonly source: AggregateSource;

  constructor(
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(WRITE_DEFAULTS) private readonly defaults: WriteDefaults,
    @Optional() @Inject(WRITE_CACHING) caching: WriteCaching = {},
  ) {
    this.source = {
      store: timedAppends(tracedEventStore(store)),
      cache: new AggregateCache(caching.cacheSize ?? 10_000),
      snapshots: caching.snapshots,
      snapshotEvery: caching.snapshotEvery ?? 0,
      onSnapshotError: (err: unknown, streamId: string) => log.warn({ err, streamId }, 'snapshot not saved'),
    };
    this.writer = new StreamWriter(this.source, undefined, (size) => streamBatchSize.observe(size));
  }

  /** The state a decider folds from the stream as it is now: for a command that needs a fact of another aggregate. */
  async stateOf<E extends KnownEvent, S>(decider: Folding<E, S>, streamId: string): Promise<S> {
    return (await loadAggregate(this.source, decider, knownEventCodec<E>(), streamId)).state;
  }

  handle<C extends Command, E extends KnownEvent, S>(decider: Decider<C, E, S>, streamId: string, command: C, options: WriteOptions<E>): Promise<CommandResult> {
    return inSpan(`handleCommand ${command.type}`, { attributes: { 'ledger.command': command.type, 'ledger.stream_id': streamId } }, () => {
      // Untraced, a traceparent the caller sent is kept as it came.
      const traceparent = activeTraceparent();
      const metadata = traceparent ? { ...options.metadata, traceparent } : options.metadata;
      return this.writer.submit(decider, streamId, command, {
        codec: knownEventCodec<E>(),
        newEventId: () => randomUUID(),
        onLostRace: countLostRace,
        ...this.defaults,
        ...options,
        metadata,
      });
    });
  }
}
