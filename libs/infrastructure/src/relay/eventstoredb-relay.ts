import { BACKWARDS, END, jsonEvent, NO_STREAM, START, StreamNotFoundError, streamNameFilter, WrongExpectedVersionError, type AllStreamSubscription, type AppendExpectedRevision, type EventStoreDBClient } from '@eventstore/db-client';
import type { Kafka } from 'kafkajs';
import { CATEGORIES } from '#events';
import { comparePositions, type LogPosition, type StoredEvent } from '#eventsourcing';
import { DEFAULT_RELAY_MAX_BATCH_BYTES } from '../config/config.js';
import { isSystemRecord, toStoredEvent } from '../event-store/eventstoredb/eventstoredb.mapping.js';
import { createLogger } from '../logging/logger.js';
import { connectRelayProducer, kafkaProducePolicy } from './produce-policy.js';
import { ReconnectBackoff } from './reconnect-backoff.js';
import { RelayPublisher } from './relay-publisher.js';
import { wakeableSleep } from './wakeable-sleep.js';
import type { EventRelay, RelayOptions } from './relay.js';
import { RelayStatusTracker, type RelayLag, type RelayStatus } from './relay-status.js';

const log = createLogger('relay-eventstoredb');

/** Another relay wrote the checkpoint since this one read it: this one steps down. */
class LostLeadershipError extends Error {
  override name = 'LostLeadershipError';
}

interface Checkpoint {
  readonly position: LogPosition | null;
  readonly revision: AppendExpectedRevision;
}

/**
 * The relay for EventStoreDB: a catch-up subscription to `$all`, filtered to our categories'
 * streams, publishing to Kafka exactly as the PostgreSQL relay does (same topics, keys, values and
 * headers; idempotent producer, acks=all). Its checkpoint is a stream in EventStoreDB itself,
 * written after Kafka acknowledged with the revision it read as the expected revision: of two
 * relays running at once, the one that writes second fails and steps down, so one stays active.
 * Delivery is at least once; the projections are idempotent. Failures back off with jitter and
 * resubscribe from the checkpoint, as the PostgreSQL relay does.
 */
export class EventStoreDbRelay implements EventRelay {
  private readonly tracker = new RelayStatusTracker();
  private stopping = false;
  private abort = new AbortController();
  private wake: (() => void) | null = null;
  private loop: Promise<void> | null = null;
  private subscription: AllStreamSubscription | null = null;
  private readonly produce = kafkaProducePolicy(log, (error) => this.tracker.retrying(error));

  constructor(
    private readonly client: EventStoreDBClient,
    private readonly kafka: Kafka,
    private readonly options: RelayOptions,
  ) {}

  get status(): RelayStatus {
    return this.tracker.status;
  }

  /** Not measured: counting what follows the checkpoint would mean reading `$all` to its end. */
  lag(): Promise<RelayLag | null> {
    return Promise.resolve(null);
  }

  private get checkpointStream(): string {
    return `relay_checkpoint-${this.options.name ?? 'kafka'}`;
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
    await this.subscription?.unsubscribe().catch(() => undefined);
    await this.loop;
    this.loop = null;
  }

  private async run(): Promise<void> {
    const backoff = new ReconnectBackoff();
    while (!this.stopping) {
      const published = this.tracker.status.published;
      try {
        await this.publishFromCheckpoint();
      } catch (error) {
        if (this.stopping) break;
        const lost = error instanceof LostLeadershipError;
        if (lost) this.tracker.standby();
        else this.tracker.retrying(error);
        if (lost || this.tracker.status.published > published) backoff.reset();
        const delay = lost ? (this.options.standbyRetryMs ?? 2000) : backoff.next();
        log.warn({ err: error, delay }, lost ? 'another relay moved the checkpoint; standing by' : 'relay interrupted; retrying');
        await this.sleep(delay);
      }
    }
    this.tracker.stopped();
  }

  private async publishFromCheckpoint(): Promise<void> {
    let checkpoint = await this.loadCheckpoint();
    const producer = await connectRelayProducer(this.kafka, this.options.topics);
    const publisher = new RelayPublisher(producer, this.produce, log, {
      relay: this.checkpointStream, maxBatchBytes: this.options.maxBatchBytes ?? DEFAULT_RELAY_MAX_BATCH_BYTES, topicPrefix: this.options.topics?.prefix ?? '', signal: this.abort.signal,
    });
    const subscription = this.client.subscribeToAll({
      fromPosition: checkpoint.position ?? START,
      filter: streamNameFilter({ prefixes: CATEGORIES.map((category) => `${category}-`) }),
    });
    this.subscription = subscription;
    if (this.tracker.state !== 'retrying') this.tracker.active();
    try {
      let batch: StoredEvent[] = [];
      for await (const resolved of subscription) {
        const recorded = resolved.event;
        if (!recorded || isSystemRecord(recorded)) continue;
        const event = toStoredEvent(recorded);
        if (checkpoint.position && comparePositions(event.logPosition, checkpoint.position) <= 0) continue;
        batch.push(event);
        // Flush when the batch is full or nothing more is buffered: caught up, or a pause in appends.
        if (batch.length >= this.options.batchSize || subscription.readableLength === 0) {
          for (const request of publisher.requests(batch)) {
            const deadLettered = await publisher.send(request.records);
            checkpoint = await this.saveCheckpoint(request.last.logPosition, checkpoint.revision);
            this.tracker.published(request.records.length - deadLettered, deadLettered);
          }
          batch = [];
        }
        if (this.stopping) break;
      }
    } finally {
      await subscription.unsubscribe().catch(() => undefined);
      this.subscription = null;
      await producer.disconnect().catch(() => undefined);
    }
  }

  private async loadCheckpoint(): Promise<Checkpoint> {
    try {
      for await (const resolved of this.client.readStream<{ type: 'RelayCheckpoint'; data: { commit: string; prepare: string } }>(
        this.checkpointStream, { fromRevision: END, direction: BACKWARDS, maxCount: 1 },
      )) {
        if (!resolved.event) continue;
        const { commit, prepare } = resolved.event.data;
        return { position: { commit: BigInt(commit), prepare: BigInt(prepare) }, revision: resolved.event.revision };
      }
    } catch (error) {
      if (!(error instanceof StreamNotFoundError)) throw error;
    }
    return { position: null, revision: NO_STREAM };
  }

  private async saveCheckpoint(position: LogPosition, expected: AppendExpectedRevision): Promise<Checkpoint> {
    const event = jsonEvent({ type: 'RelayCheckpoint', data: { commit: position.commit.toString(), prepare: position.prepare.toString() } });
    try {
      const result = await this.client.appendToStream(this.checkpointStream, event, { expectedRevision: expected });
      // Only the newest checkpoint matters: let EventStoreDB scavenge the rest.
      if (expected === NO_STREAM) await this.client.setStreamMetadata(this.checkpointStream, { maxCount: 10 });
      return { position, revision: result.nextExpectedRevision };
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) throw new LostLeadershipError(`${this.checkpointStream} moved: expected ${String(expected)}`);
      throw error;
    }
  }

  private sleep(ms: number): Promise<void> {
    return wakeableSleep(ms, (wake) => (this.wake = wake));
  }
}
