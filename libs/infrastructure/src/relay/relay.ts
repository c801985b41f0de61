import { CompressionTypes, type Kafka } from 'kafkajs';
import type pg from 'pg';
import { EVENTS_APPENDED_CHANNEL } from '../event-store/postgres/postgres-event-store.js';
import type { EventStore, LogPosition, ReadAllPage } from '#eventsourcing';
import { START_OF_LOG } from '#eventsourcing';
import { createLogger } from '../logging/logger.js';
import { toTopicMessages } from './kafka-message.js';
import { connectRelayProducer, kafkaProducePolicy } from './produce-policy.js';

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
  readonly pollIntervalMs: number;
  /** How often a standby relay retries the lock. */
  readonly standbyRetryMs?: number;
  /** Partitions of the event topics, when the relay creates them. */
  readonly partitions?: number;
}

export type RelayState = 'stopped' | 'standby' | 'active';

/** What the apps need of a relay, whichever event store it reads. */
export interface EventRelay {
  readonly status: { state: RelayState; published: number };
  start(): void;
  stop(): Promise<void>;
}

/**
 * Publishes stored events to Kafka in global log order: at least once, with the checkpoint moved
 * only after Kafka acknowledged (acks=all, idempotent producer). One relay is active per database
 * (a session advisory lock held on a dedicated connection); others wait on standby.
 */
export class Relay implements EventRelay {
  private state: RelayState = 'stopped';
  private stopping = false;
  private wake: (() => void) | null = null;
  private loop: Promise<void> | null = null;
  private published = 0;
  private readonly produce = kafkaProducePolicy(log);

  constructor(
    private readonly pool: pg.Pool,
    private readonly store: EventStore,
    private readonly kafka: Kafka,
    private readonly options: RelayOptions,
  ) {}

  get status(): { state: RelayState; published: number } {
    return { state: this.state, published: this.published };
  }

  start(): void {
    if (this.loop) return;
    this.stopping = false;
    this.loop = this.run().catch((error: unknown) => log.error({ err: error }, 'relay stopped on an error'));
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.loop;
    this.loop = null;
  }

  private get name(): string {
    return this.options.name ?? 'kafka';
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      const session = await this.pool.connect();
      let broken = false;
      const onError = (): void => {
        broken = true;
        this.wake?.();
      };
      session.on('error', onError);
      try {
        const { rows } = await session.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [RELAY_LOCK]);
        if (!rows[0]?.locked) {
          this.state = 'standby';
          await this.sleep(this.options.standbyRetryMs ?? 2000);
          continue;
        }
        this.state = 'active';
        log.info({ name: this.name }, 'relay active');
        await this.publishWhileLeader(session, () => broken);
      } catch (error) {
        if (this.stopping) break;
        broken = true;
        log.warn({ err: error }, 'relay interrupted; retrying');
        await this.sleep(1000);
      } finally {
        await session.query('SELECT pg_advisory_unlock_all()').catch(() => undefined);
        session.off('error', onError);
        session.release(broken);
      }
    }
    this.state = 'stopped';
  }

  private async publishWhileLeader(session: pg.PoolClient, isBroken: () => boolean): Promise<void> {
    const producer = await connectRelayProducer(this.kafka, this.options.partitions);
    // Set by a notification, cleared when a read starts: an append that committed after a
    // prefetched read began is read again at once, not after the poll interval.
    let appended = false;
    const onNotify = (): void => {
      appended = true;
      this.wake?.();
    };
    session.on('notification', onNotify);
    await session.query(`LISTEN ${EVENTS_APPENDED_CHANNEL}`);
    try {
      let position = await this.loadCheckpoint(session);
      // The next page is read while this one is produced, and a checkpoint is written while the
      // next batch is produced: the checkpoints still follow the acks, in order, on one connection.
      const read = (after: LogPosition): Promise<ReadAllPage> => {
        appended = false;
        return handled(this.store.readAll(after, this.options.batchSize));
      };
      let next = read(position);
      let saving: Promise<void> = Promise.resolve();
      try {
        while (!this.stopping && !isBroken()) {
          const page = await next;
          if (page.events.length === 0) {
            await saving;
            if (!appended) await this.sleep(this.options.pollIntervalMs);
            next = read(position);
            continue;
          }
          next = read(page.next);
          // Awaited batch by batch: concurrent sends on one idempotent producer can fail with
          // OUT_OF_ORDER_SEQUENCE_NUMBER.
          await this.produce.execute(() => producer.sendBatch({ topicMessages: toTopicMessages(page.events), acks: -1, compression: CompressionTypes.None }));
          await saving;
          saving = handled(this.saveCheckpoint(session, page.next));
          position = page.next;
          this.published += page.events.length;
        }
        await saving;
      } finally {
        await Promise.allSettled([next, saving]);
      }
    } finally {
      session.off('notification', onNotify);
      await session.query(`UNLISTEN ${EVENTS_APPENDED_CHANNEL}`).catch(() => undefined);
      await producer.disconnect().catch(() => undefined);
    }
  }

  private async loadCheckpoint(session: pg.PoolClient): Promise<LogPosition> {
    const { rows } = await session.query<{ commit: string; prepare: string }>(
      'SELECT commit_position::text AS commit, prepare_position::text AS prepare FROM relay_checkpoints WHERE name = $1',
      [this.name],
    );
    const row = rows[0];
    return row ? { commit: BigInt(row.commit), prepare: BigInt(row.prepare) } : START_OF_LOG;
  }

  // Written on the connection that holds the lock: a relay that lost it cannot move the checkpoint.
  private async saveCheckpoint(session: pg.PoolClient, position: LogPosition): Promise<void> {
    await session.query(
      `INSERT INTO relay_checkpoints (name, commit_position, prepare_position) VALUES ($1, $2::text::xid8, $3)
       ON CONFLICT (name) DO UPDATE SET commit_position = EXCLUDED.commit_position,
         prepare_position = EXCLUDED.prepare_position, updated_at = now()`,
      [this.name, position.commit.toString(), position.prepare.toString()],
    );
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}
