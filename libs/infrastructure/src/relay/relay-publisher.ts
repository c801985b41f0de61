import type { IPolicy } from 'cockatiel';
import { CompressionTypes, type Producer, type TopicMessages } from 'kafkajs';
import type { Logger } from 'pino';
import type { StoredEvent } from '#eventsourcing';
import { relayProduceDuration } from '../metrics/relay.metrics.js';
import type { RawStoredEvent } from '../event-store/postgres/postgres-event-store.js';
import { groupByTopic, rawToOutgoingRecord, tooLargeDeadLetter, toOutgoingRecord, type OutgoingRecord, type RelayedEvent } from './kafka-message.js';
import { chunkByBytes } from './produce-chunks.js';
import { isMessageTooLarge } from './produce-policy.js';
import { producing, unrecorded } from './relay-tracing.js';

export interface PublisherOptions {
  readonly relay: string;
  readonly maxBatchBytes: number;
  /** The environment's topic prefix (KAFKA_TOPIC_PREFIX). */
  readonly topicPrefix: string;
  /** Ends the produce retries when the relay stops. */
  readonly signal: AbortSignal;
}

/** One produce request: these events, in order. */
export interface ProduceRequest {
  readonly records: readonly OutgoingRecord[];
  readonly last: RelayedEvent;
}

/**
 * Sends events to Kafka in produce requests of at most `maxBatchBytes`, each awaited before the
 * next (concurrent sends on one idempotent producer can fail with OUT_OF_ORDER_SEQUENCE_NUMBER).
 * A request Kafka refuses as too large is split in halves; an event too large on its own goes to
 * its category's dead-letter topic, so it cannot hold back every event behind it.
 */
export class RelayPublisher {
  constructor(
    private readonly producer: Producer,
    private readonly policy: IPolicy,
    private readonly log: Logger,
    private readonly options: PublisherOptions,
  ) {}

  requests(events: readonly StoredEvent[]): ProduceRequest[] {
    return this.chunks(events.map((event) => toOutgoingRecord(event, this.options.topicPrefix)));
  }

  /** The same, for events read with their data and metadata as JSON text. */
  rawRequests(events: readonly RawStoredEvent[]): ProduceRequest[] {
    return this.chunks(events.map((event) => rawToOutgoingRecord(event, this.options.topicPrefix)));
  }

  private chunks(records: readonly OutgoingRecord[]): ProduceRequest[] {
    return chunkByBytes(records, (r) => r.bytes, this.options.maxBatchBytes).map((chunk) => ({ records: chunk, last: chunk[chunk.length - 1]!.event }));
  }

  /** Sends one request; resolves to how many of its events were dead-lettered. */
  async send(records: readonly OutgoingRecord[]): Promise<number> {
    try {
      await producing(records, (traced) => this.produce(groupByTopic(traced)));
      return 0;
    } catch (error) {
      if (!isMessageTooLarge(error) || records.length === 0) throw error;
      if (records.length === 1) return this.deadLetter(records[0]!, error as Error);
      const half = Math.ceil(records.length / 2);
      return (await this.send(records.slice(0, half))) + (await this.send(records.slice(half)));
    }
  }

  private async deadLetter(record: OutgoingRecord, error: Error): Promise<number> {
    const { event } = record;
    this.log.error(
      { eventId: event.eventId, streamId: event.streamId, streamRevision: event.streamRevision, type: event.type, recordBytes: record.bytes, err: error },
      'event too large for Kafka; sent to its dead-letter topic',
    );
    await this.produce([tooLargeDeadLetter(record, error, this.options.relay)]);
    return 1;
  }

  private async produce(topicMessages: TopicMessages[]): Promise<void> {
    const end = relayProduceDuration.startTimer();
    await this.policy.execute(() => unrecorded(() => this.producer.sendBatch({ topicMessages, acks: -1, compression: CompressionTypes.None })), this.options.signal);
    end();
  }
}
