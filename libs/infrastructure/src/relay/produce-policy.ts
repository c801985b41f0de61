import { circuitBreaker, ConsecutiveBreaker, ExponentialBackoff, fullJitterGenerator, handleAll, retry, wrap, type IPolicy } from 'cockatiel';
import { Partitioners, type Kafka, type Producer } from 'kafkajs';
import type { Logger } from 'pino';
import { ensureTopics } from '../kafka/kafka.js';

/**
 * Around every Kafka produce of a relay: retries with exponential backoff and full jitter (the
 * batch is resent whole; the idempotent producer and the consumers' revision checks make a resend
 * harmless), inside a circuit breaker that stops hammering a broker that keeps failing. When the
 * retries give up, the relay restarts its session from the last checkpoint.
 */
export const kafkaProducePolicy = (log: Logger): IPolicy => {
  const breaker = circuitBreaker(handleAll, { halfOpenAfter: 5_000, breaker: new ConsecutiveBreaker(5) });
  breaker.onBreak(() => log.warn('Kafka produce circuit open'));
  breaker.onReset(() => log.info('Kafka produce circuit closed'));
  const retrying = retry(handleAll, { maxAttempts: 6, backoff: new ExponentialBackoff({ initialDelay: 100, maxDelay: 5_000, generator: fullJitterGenerator }) });
  retrying.onRetry(({ delay }) => log.warn({ delay }, 'Kafka produce failed; retrying'));
  return wrap(retrying, breaker);
};

/**
 * A relay's producer: idempotent, one request in flight (so a retried batch cannot overtake the
 * next one), the default partitioner (key = stream id → one partition per stream); the topics
 * exist before it sends.
 */
export const connectRelayProducer = async (kafka: Kafka, partitions?: number): Promise<Producer> => {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, partitions).finally(() => admin.disconnect());
  return producer;
};
