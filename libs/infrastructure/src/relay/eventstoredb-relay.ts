import { BACKWARDS, END, jsonEvent, NO_STREAM, START, StreamNotFoundError, streamNameFilter, WrongExpectedVersionError, type AllStreamSubscription, type AppendExpectedRevision, type EventStoreDBClient } from '@eventstore/db-client';
import { CompressionTypes, type Kafka } from 'kafkajs';
import { CATEGORIES } from '#events';
import { comparePositions, type LogPosition, type StoredEvent } from '#eventsourcing';
import { isSystemRecord, toStoredEvent } from '../event-store/eventstoredb/eventstoredb.mapping.js';
import { createLogger } from '../logging/logger.js';
import { toTopicMessages } from './kafka-message.js';
import { connectRelayProducer, kafkaProducePolicy } from './produce-policy.js';
import type { EventRelay, RelayOptions, RelayState } from './relay.js';

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
 * Delivery is at least once; the projections are idempotent.
 */
export class EventStoreDbRelay implements EventRelay {
  private state: RelayState = 'stopped';
  private stopping = false;
  private loop: Promise<void> | null = null;
  private subscription: AllStreamSubscription | null = null;
  private published = 0;
  private readonly produce = kafkaProducePolicy(log);

  constructor(
    private readonly client: EventStoreDBClient,
    private readonly kafka: Kafka,
    private readonly options: RelayOptions,
  ) {}

  get status(): { state: RelayState; published: number } {
    return { state: this.state, published: this.published };
  }

  private get checkpointStream(): string {
    return `relay_checkpoint-${this.options.name ?? 'kafka'}`;
  }

  start(): void {
    if (this.loop) return;
    this.stopping = false;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.subscription?.unsubscribe().catch(() => undefined);
    await this.loop;
    this.loop = null;
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      try {
        await this.publishFromCheckpoint();
      } catch (error) {
        if (this.stopping) break;
        const lost = error instanceof LostLeadershipError;
        this.state = lost ? 'standby' : this.state;
        log.warn({ err: error }, lost ? 'another relay moved the checkpoint; standing by' : 'relay interrupted; retrying');
        await new Promise((resolve) => setTimeout(resolve, lost ? (this.options.standbyRetryMs ?? 2000) : 1000));
      }
    }
    this.state = 'stopped';
  }

  private async publishFromCheckpoint(): Promise<void> {
    let checkpoint = await this.loadCheckpoint();
    const producer = await connectRelayProducer(this.kafka, this.options.partitions);
    const subscription = this.client.subscribeToAll({
      fromPosition: checkpoint.position ?? START,
      filter: streamNameFilter({ prefixes: CATEGORIES.map((category) => `${category}-`) }),
    });
    this.subscription = subscription;
    this.state = 'active';
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
          await this.produce.execute(() => producer.sendBatch({ topicMessages: toTopicMessages(batch), acks: -1, compression: CompressionTypes.None }));
          checkpoint = await this.saveCheckpoint(batch[batch.length - 1]!.logPosition, checkpoint.revision);
          this.published += batch.length;
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
}
