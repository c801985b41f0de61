import { circuitBreaker, ConsecutiveBreaker, ExponentialBackoff, fullJitterGenerator, handleWhen, retry, wrap, type IPolicy } from 'cockatiel';
import { Partitioners, type Kafka, type Producer } from 'kafkajs';
import type { Logger } from 'pino';
import { ensureTopics, type TopicLayout } from '../kafka/kafka.js';
import { relayProduceRetries } from '../metrics/relay.metrics.js';

/** Kafka refused a record as larger than it accepts (kafkajs wraps the protocol error in `cause`). */
export const isMessageTooLarge = (error: unknown): boolean => {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if ((e as { type?: unknown }).type === 'MESSAGE_TOO_LARGE') return true;
  }
  return false;
};

/**
 * Around every Kafka produce of a relay: retries with exponential backoff and full jitter (the
 * batch is resent whole; the idempotent producer and the consumers' revision checks make a resend
 * harmless), inside a circuit breaker that stops hammering a broker that keeps failing. When the
 * retries give up, the relay restarts its session from the last checkpoint. A record too large is
 * final: resending it cannot help, so it is neither retried nor counted by the breaker.
 */
export const kafkaProducePolicy = (log: Logger, onFailure: (error: unknown) => void = () => undefined): IPolicy => {
  const transient = handleWhen((error) => !isMessageTooLarge(error));
  const breaker = circuitBreaker(transient, { halfOpenAfter: 5_000, breaker: new ConsecutiveBreaker(5) });
  breaker.onBreak(() => log.warn('Kafka produce circuit open'));
  breaker.onReset(() => log.info('Kafka produce circuit closed'));
  const retrying = retry(transient, { maxAttempts: 6, backoff: new ExponentialBackoff({ initialDelay: 100, maxDelay: 5_000, generator: fullJitterGenerator }) });
  retrying.onRetry((reason) => {
    relayProduceRetries.inc();
    if ('error' in reason) onFailure(reason.error);
    log.warn({ delay: reason.delay, err: 'error' in reason ? reason.error : undefined }, 'Kafka produce failed; retrying');
  });
  return wrap(retrying, breaker);
};

/**
 * A relay's producer: idempotent, one request in flight (so a retried batch cannot overtake the
 * next one), the default partitioner (key = stream id → one partition per stream); the topics
 * exist before it sends.
 */
export const connectRelayProducer = async (kafka: Kafka, topics?: TopicLayout): Promise<Producer> => {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
  try {
    await producer.connect();
    const admin = kafka.admin();
    await admin.connect();
    await ensureTopics(admin, topics).finally(() => admin.disconnect());
    return producer;
  } catch (error) {
    await producer.disconnect().catch(() => undefined);
    throw error;
  }
};
