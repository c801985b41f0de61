import type { Kafka } from 'kafkajs';
import type pg from 'pg';
import { EVENTS_APPENDED_CHANNEL, type PostgresEventStore, type RawReadAllPage } from '../event-store/postgres/postgres-event-store.js';
import type { LogPosition } from '#eventsourcing';
import { DEFAULT_RELAY_MAX_BATCH_BYTES } from '../config/config.js';
import { createLogger } from '../logging/logger.js';
import type { TopicLayout } from '../kafka/kafka.js';
import { connectRelayProducer, kafkaProducePolicy } from './produce-policy.js';
import { ReconnectBackoff } from './reconnect-backoff.js';
import { loadCheckpoint, readRelayLag, saveCheckpoint } from './relay-checkpoint.js';
import { RelayPublisher } from './relay-publisher.js';
import { wakeableSleep } from './wakeable-sleep.js';
import { RelayStatusTracker, type RelayLag, type RelayStatus } from './relay-status.js';

const RELAY_LOCK = 7_261_002;

/** A promise awaited later: its failure is not reported as unhandled in the meantime. */
const handled = <T>(promise: Promise<T>): Promise<T> => {
  promise.catch(() => undefined);
  return promise;
};
const log = createLogger('relay');

export interface RelayOptions {
  readonly name?: string;
  readonly batchSize: number;
  /** Most bytes of records in one produce request (DEFAULT_RELAY_MAX_BATCH_BYTES). */
  readonly maxBatchBytes?: number;
  readonly pollIntervalMs: number;
  /** How often a standby relay retries the lock. */
  readonly standbyRetryMs?: number;
  /** Partitions of the event topics, when the relay creates them. */
  readonly topics?: TopicLayout;
}

/** What the apps need of a relay, whichever event store it reads. */
export interface EventRelay {
  readonly status: RelayStatus;
  /** How far Kafka is behind the store; null when this relay cannot measure it. */
  lag(): Promise<RelayLag | null>;
  start(): void;
  stop(): Promise<void>;
}

/**
 * Publishes stored events to Kafka in global log order: at least once, with the checkpoint moved
 * only after Kafka acknowledged (acks=all, idempotent producer). One relay is active per database
 * (a session advisory lock held on a dedicated connection); others wait on standby. Whatever
 * fails (connect, lock, LISTEN, a read, a checkpoint, Kafka), it backs off, reconnects, takes the
 * lock again and goes on from its checkpoint.
 */
export class Relay implements EventRelay {
  private readonly tracker = new RelayStatusTracker();
  private stopping = false;
  private abort = new AbortController();
  private wake: (() => void) | null = null;
  private loop: Promise<void> | null = null;
  private readonly produce = kafkaProducePolicy(log, (error) => this.tracker.retrying(error));

  constructor(
    private readonly pool: pg.Pool,
    private readonly store: PostgresEventStore,
    private readonly kafka: Kafka,
    private readonly options: RelayOptions,
  ) {}

  get status(): RelayStatus {
    return this.tracker.status;
  }

  lag(): Promise<RelayLag> {
    return readRelayLag(this.pool, this.name);
  }

  start(): void {
    if (this.loop) return;
    this.stopping = false;
    this.abort = new AbortController();
    this.tracker.starting();
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.abort.abort();
    this.wake?.();
    await this.loop;
    this.loop = null;
  }

  private get name(): string {
    return this.options.name ?? 'kafka';
  }

  private async run(): Promise<void> {
    const backoff = new ReconnectBackoff();
    while (!this.stopping) {
      const published = this.tracker.status.published;
      try {
        await this.lead();
        backoff.reset();
      } catch (error) {
        if (this.stopping) break;
        this.tracker.retrying(error);
        if (this.tracker.status.published > published) backoff.reset();
        const delay = backoff.next();
        log.warn({ err: error, delay }, 'relay interrupted; reconnecting');
        await this.sleep(delay);
      }
    }
    this.tracker.stopped();
  }

  /** One session: connect, take the lock (or stand by), publish until stopped or something fails. */
  private async lead(): Promise<void> {
    const session = await this.pool.connect();
    const connection: { lost: Error | null; released: boolean } = { lost: null, released: false };
    // Stays attached after release: a dropped connection may still report an error.
    session.on('error', (error) => {
      if (connection.released) return;
      connection.lost ??= error;
      this.wake?.();
    });
    try {
      const { rows } = await session.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [RELAY_LOCK]);
      if (!rows[0]?.locked) {
        this.tracker.standby();
        await this.sleep(this.options.standbyRetryMs ?? 2000);
        return;
      }
      log.info({ name: this.name }, 'relay holds the lock');
      await this.publishWhileLeader(session, () => connection.lost);
      await session.query('SELECT pg_advisory_unlock_all()');
    } catch (error) {
      // Whatever failed, the session is dropped rather than reused: that also releases the lock.
      connection.lost ??= error instanceof Error ? error : new Error(String(error));
      throw error;
    } finally {
      connection.released = true;
      session.release(connection.lost ?? undefined);
    }
  }

  private async publishWhileLeader(session: pg.PoolClient, lost: () => Error | null): Promise<void> {
    const producer = await connectRelayProducer(this.kafka, this.options.topics);
    // A relay recovering from a failure stays `retrying` until it has read or published again.
    if (this.tracker.state !== 'retrying') this.tracker.active();
    const publisher = new RelayPublisher(producer, this.produce, log, {
      relay: this.name, maxBatchBytes: this.options.maxBatchBytes ?? DEFAULT_RELAY_MAX_BATCH_BYTES, topicPrefix: this.options.topics?.prefix ?? '', signal: this.abort.signal,
    });
    // Set by a notification, cleared when a read starts: an append that committed after a
    // prefetched read began is read again at once, not after the poll interval.
    let appended = false;
    const onNotify = (): void => {
      appended = true;
      this.wake?.();
    };
    session.on('notification', onNotify);
    try {
      await session.query(`LISTEN ${EVENTS_APPENDED_CHANNEL}`);
      let position = await loadCheckpoint(session, this.name);
      // The next page is read while this one is produced, and a checkpoint is written while the
      // next request is produced: the checkpoints still follow the acks, in order, on one connection.
      // Data and metadata as JSON text: they go to Kafka as they are.
      const read = (after: LogPosition): Promise<RawReadAllPage> => {
        appended = false;
        return handled(this.store.readAllRaw(after, this.options.batchSize));
      };
      let next = read(position);
      let saving: Promise<void> = Promise.resolve();
      try {
        while (!this.stopping) {
          const failure = lost();
          if (failure) throw failure;
          const page = await next;
          if (page.events.length === 0) {
            await saving;
            this.tracker.active();
            if (!appended) await this.sleep(this.options.pollIntervalMs);
            next = read(position);
            continue;
          }
          next = read(page.next);
          const requests = publisher.rawRequests(page.events);
          for (const [i, request] of requests.entries()) {
            const deadLettered = await publisher.send(request.records);
            await saving;
            // Checkpoints are written on the connection that holds the lock: a relay that lost it cannot move them.
            saving = handled(saveCheckpoint(session, this.name, i === requests.length - 1 ? page.next : request.last.logPosition));
            this.tracker.published(request.records.length - deadLettered, deadLettered);
          }
          position = page.next;
        }
        await saving;
      } finally {
        await Promise.allSettled([next, saving]);
      }
    } finally {
      session.off('notification', onNotify);
      if (!lost()) await session.query(`UNLISTEN ${EVENTS_APPENDED_CHANNEL}`).catch(() => undefined);
      await producer.disconnect().catch(() => undefined);
    }
  }

  private sleep(ms: number): Promise<void> {
    return wakeableSleep(ms, (wake) => (this.wake = wake));
  }
}
