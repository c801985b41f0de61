import { decodeEnvelope, encodeEnvelope, PoisonEventError, topicForCategory, type EventEnvelope, type KnownEvent } from '#events';
import type { Config } from '#infra/config/config';
import { createLogger } from '#infra/logging/logger';
import type { Batch, Consumer, Kafka, KafkaMessage, Producer } from 'kafkajs';
import type { ApplyOutcome } from '../projections/projection.js';
import { sendToDeadLetterTopic, type DeadLetter } from './dead-letter.js';
import { projectionMetrics } from './metrics.js';

/**
 * Where a projection's events go (PostgreSQL tables, an Elasticsearch index). `apply` is
 * idempotent by stream revision and retries transient failures itself; while it waits it calls
 * `keepAlive` so the consumer keeps its partitions, and it gives up when `signal` aborts.
 */
export interface ProjectionSink {
  readonly name: string;
  readonly categories: readonly string[];
  apply(events: readonly EventEnvelope<KnownEvent>[], keepAlive: () => Promise<void>, signal: AbortSignal): Promise<ApplyOutcome>;
}

const CHUNK = 500;
const log = createLogger('projection-consumer');

export type ConsumerSettings = Pick<Config, 'consumerGroupPrefix' | 'kafkaSessionTimeoutMs' | 'kafkaRebalanceTimeoutMs'>;

export const consumerGroupId = (groupPrefix: string, projection: string): string => `${groupPrefix}.projection.${projection}`;

/** Applies a transaction per chunk; Kafka offsets are committed only after it commits. */
export class ProjectionConsumer {
  private consumer: Consumer | null = null;
  private joined = false;
  private stopping = false;
  private abort = new AbortController();

  constructor(
    private readonly sink: ProjectionSink,
    private readonly kafka: Kafka,
    private readonly producer: Producer,
    private readonly settings: ConsumerSettings,
  ) {}

  get name(): string {
    return this.sink.name;
  }

  get isRunning(): boolean {
    return this.joined && !this.stopping;
  }

  async start(): Promise<void> {
    this.stopping = false;
    this.abort = new AbortController();
    const consumer = this.kafka.consumer({
      groupId: consumerGroupId(this.settings.consumerGroupPrefix, this.sink.name),
      sessionTimeout: this.settings.kafkaSessionTimeoutMs,
      rebalanceTimeout: this.settings.kafkaRebalanceTimeoutMs,
      heartbeatInterval: 1_000,
      maxWaitTimeInMs: 100,
    });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, () => {
      this.joined = true;
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.joined = false;
      log.error({ projection: this.name, err: payload.error, restart: payload.restart }, 'consumer crashed');
      // kafkajs does not always restart a crashed consumer (e.g. after a broker outage): recreate it.
      if (!payload.restart && !this.stopping) void this.recreate();
    });
    consumer.on(consumer.events.STOP, () => {
      this.joined = false;
    });
    await consumer.connect();
    await consumer.subscribe({ topics: this.sink.categories.map(topicForCategory), fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: async (payload) => {
        const { batch } = payload;
        for (let i = 0; i < batch.messages.length; i += CHUNK) {
          if (!payload.isRunning() || payload.isStale()) return;
          const chunk = batch.messages.slice(i, i + CHUNK);
          await this.handleChunk(batch, chunk, () => payload.heartbeat());
          const last = chunk[chunk.length - 1]!;
          await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: (BigInt(last.offset) + 1n).toString() }]);
          payload.resolveOffset(last.offset);
          await payload.heartbeat();
        }
      },
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.abort.abort();
    await this.consumer?.disconnect();
    this.consumer = null;
    this.joined = false;
  }

  private async recreate(): Promise<void> {
    await this.consumer?.disconnect().catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    if (this.stopping) return;
    await this.start().catch((error: unknown) => {
      log.error({ projection: this.name, err: error }, 'could not recreate the consumer; retrying');
      void this.recreate();
    });
  }

  private async handleChunk(batch: Batch, chunk: readonly KafkaMessage[], keepAlive: () => Promise<void>): Promise<void> {
    const letters: DeadLetter[] = [];
    const events: EventEnvelope<KnownEvent>[] = [];
    const messageOf = new Map<string, KafkaMessage>();
    for (const message of chunk) {
      try {
        const event = decodeEnvelope(message.value);
        events.push(event);
        messageOf.set(event.eventId, message);
      } catch (error) {
        if (!(error instanceof PoisonEventError)) throw error;
        letters.push({ topic: batch.topic, partition: batch.partition, message, error });
      }
    }
    const outcome = events.length ? await this.sink.apply(events, keepAlive, this.abort.signal) : null;
    for (const { event, error } of outcome?.rejected ?? []) {
      // An event that waited behind a gap was delivered in an earlier batch: its record is rebuilt.
      const message = messageOf.get(event.eventId) ?? { key: Buffer.from(event.streamId), value: Buffer.from(encodeEnvelope(event)), headers: {}, offset: '-1', timestamp: String(Date.now()), attributes: 0 };
      letters.push({ topic: batch.topic, partition: batch.partition, message, error });
    }
    await sendToDeadLetterTopic(this.producer, this.name, letters);
    projectionMetrics.applied.inc({ projection: this.name }, outcome?.applied ?? 0);
    projectionMetrics.skipped.inc({ projection: this.name }, outcome?.skipped ?? 0);
    projectionMetrics.deadLettered.inc({ projection: this.name }, letters.length);
    projectionMetrics.parked.inc({ projection: this.name }, outcome?.parked ?? 0);
    if (letters.length) log.warn({ projection: this.name, count: letters.length, first: letters[0]?.error.message }, 'dead-lettered events');
  }
}
