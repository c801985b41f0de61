import { decodeEnvelope, encodeEnvelope, PoisonEventError, topicForCategory, type EventEnvelope, type KnownEvent } from '#events';
import type { Config } from '#infra/config/config';
import { createLogger } from '#infra/logging/logger';
import type { Batch, Consumer, EachBatchPayload, Kafka, KafkaMessage, Producer } from 'kafkajs';
import type { ApplyOutcome } from '../projections/projection.js';
import { applyTraced, type TraceOf } from './apply-spans.js';
import { sendToDeadLetterTopic, type DeadLetter } from './dead-letter.js';
import { aborted, errorMessage, keepTryingPolicy } from './keep-trying.js';
import { projectionMetrics } from './metrics.js';

/**
 * Where a projection's events go (PostgreSQL tables, an Elasticsearch index). `apply` is
 * idempotent by stream revision and retries transient failures itself; while it waits it calls
 * `keepAlive` so the consumer keeps its partitions, and it gives up when `signal` aborts. A sink
 * that acts per event runs each in `traceOf(event)`, its request's trace.
 */
export interface ProjectionSink {
  readonly name: string;
  readonly categories: readonly string[];
  /**
   * True when an apply reads and writes only the rows of its own events' streams. A stream's events
   * all go to one partition (its id is the record key), so the batches of different partitions
   * touch different rows: they are then applied at once, one per partition (up to
   * KAFKA_PARTITIONS), each in its own transaction, in order within its partition. False: one
   * batch at a time.
   */
  readonly independentPartitions: boolean;
  apply(events: readonly EventEnvelope<KnownEvent>[], keepAlive: () => Promise<void>, signal: AbortSignal, traceOf?: TraceOf): Promise<ApplyOutcome>;
}

const CHUNK = 500;
const log = createLogger('projection-consumer');

export type ConsumerSettings = Pick<Config, 'consumerGroupPrefix' | 'kafkaSessionTimeoutMs' | 'kafkaRebalanceTimeoutMs' | 'kafkaTopicPrefix' | 'kafkaPartitions'>;

export const consumerGroupId = (groupPrefix: string, projection: string): string => `${groupPrefix}.projection.${projection}`;

export type ConsumerState = 'waiting' | 'starting' | 'joining' | 'running' | 'restarting' | 'stopped';

/** What /health shows of a consumer: `attempts` and `error` while Kafka refuses it. */
export interface ConsumerHealth {
  readonly running: boolean;
  readonly state: ConsumerState;
  readonly attempts?: number;
  readonly error?: string;
}

/**
 * Applies a transaction per chunk; Kafka offsets are committed only after it commits. The
 * partitions' batches are applied at once where the sink allows it (see independentPartitions).
 * A consumer Kafka refuses, at start or after a crash kafkajs does not recover from, is created
 * again with jittered backoff for as long as the projector runs.
 */
export class ProjectionConsumer {
  private consumer: Consumer | null = null;
  private joined = false;
  private stopping = false;
  private abort = new AbortController();
  private state: ConsumerState = 'waiting';
  private attempts = 0;
  private lastError: string | undefined;
  private starting: Promise<void> | null = null;

  constructor(
    private readonly sink: ProjectionSink,
    private readonly kafka: Kafka,
    private readonly producer: Producer,
    private readonly settings: ConsumerSettings,
  ) {}

  get name(): string {
    return this.sink.name;
  }

  get groupId(): string {
    return consumerGroupId(this.settings.consumerGroupPrefix, this.sink.name);
  }

  get topics(): string[] {
    return this.sink.categories.map((category) => topicForCategory(category, this.settings.kafkaTopicPrefix));
  }

  get isRunning(): boolean {
    return this.joined && !this.stopping;
  }

  get health(): ConsumerHealth {
    if (this.isRunning) return { running: true, state: 'running' };
    return { running: false, state: this.state, attempts: this.attempts, ...(this.lastError ? { error: this.lastError } : {}) };
  }

  /** Resolves once the consumer runs, however many attempts that takes, or when stop() is called. */
  async start(): Promise<void> {
    this.stopping = false;
    this.abort = new AbortController();
    await this.keepStarting('starting');
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.state = 'stopped';
    this.abort.abort();
    this.starting = null;
    const consumer = this.consumer;
    this.consumer = null;
    this.joined = false;
    await consumer?.disconnect();
  }

  private keepStarting(state: ConsumerState): Promise<void> {
    const signal = this.abort.signal;
    if (!this.starting) {
      this.state = state;
      this.attempts = 0;
      const policy = keepTryingPolicy();
      policy.onRetry((result) => {
        this.attempts++;
        this.lastError = 'error' in result ? errorMessage(result.error) : 'failed';
        projectionMetrics.errors.inc({ projection: this.name, kind: 'start' });
        log.error({ projection: this.name, attempts: this.attempts, delay: result.delay, err: this.lastError }, 'could not start the consumer; retrying');
      });
      const starting: Promise<void> = policy
        .execute(async () => {
          if (signal.aborted) throw new Error('stopped');
          await this.startOnce(signal);
        }, signal)
        .catch(() => undefined)
        .finally(() => {
          if (this.starting === starting) this.starting = null;
        });
      this.starting = starting;
    }
    return Promise.race([this.starting, aborted(signal)]);
  }

  private async startOnce(signal: AbortSignal): Promise<void> {
    await this.consumer?.disconnect().catch(() => undefined);
    const consumer = this.kafka.consumer({
      groupId: this.groupId,
      sessionTimeout: this.settings.kafkaSessionTimeoutMs,
      rebalanceTimeout: this.settings.kafkaRebalanceTimeoutMs,
      heartbeatInterval: 1_000,
      maxWaitTimeInMs: 100,
    });
    this.consumer = consumer;
    this.joined = false;
    const current = (): boolean => this.consumer === consumer;
    consumer.on(consumer.events.GROUP_JOIN, () => {
      if (!current()) return;
      this.joined = true;
      this.state = 'running';
      this.lastError = undefined;
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (!current()) return;
      this.joined = false;
      this.lastError = errorMessage(payload.error);
      projectionMetrics.errors.inc({ projection: this.name, kind: 'crash' });
      log.error({ projection: this.name, err: payload.error, restart: payload.restart }, 'consumer crashed');
      if (this.stopping) return;
      this.state = 'restarting';
      // kafkajs does not always restart a crashed consumer (e.g. after a broker outage): recreate it.
      if (!payload.restart) void this.keepStarting('restarting');
    });
    consumer.on(consumer.events.STOP, () => {
      if (current()) this.joined = false;
    });
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: this.topics, fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: this.sink.independentPartitions ? this.settings.kafkaPartitions : 1,
        eachBatch: (payload) => this.consumeBatch(consumer, payload),
      });
    } catch (error) {
      await consumer.disconnect().catch(() => undefined);
      throw error;
    }
    if (signal.aborted) await consumer.disconnect();
    else if (!this.joined) this.state = 'joining';
  }

  private async consumeBatch(consumer: Consumer, payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    for (let i = 0; i < batch.messages.length; i += CHUNK) {
      if (!payload.isRunning() || payload.isStale()) return;
      const chunk = batch.messages.slice(i, i + CHUNK);
      await this.handleChunk(batch, chunk, () => payload.heartbeat()).catch((error: unknown) => {
        projectionMetrics.errors.inc({ projection: this.name, kind: 'apply' });
        throw error;
      });
      const last = chunk[chunk.length - 1]!;
      await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: (BigInt(last.offset) + 1n).toString() }]);
      payload.resolveOffset(last.offset);
      await payload.heartbeat();
    }
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
    const outcome = events.length ? await this.timedApply(events, messageOf, keepAlive) : null;
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

  private async timedApply(events: readonly EventEnvelope<KnownEvent>[], messageOf: Map<string, KafkaMessage>, keepAlive: () => Promise<void>): Promise<ApplyOutcome> {
    const end = projectionMetrics.applyDuration.startTimer({ projection: this.name });
    const outcome = await applyTraced(this.sink, events, messageOf, keepAlive, this.abort.signal);
    end();
    return outcome;
  }
}
