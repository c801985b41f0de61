import type { Kafka } from 'kafkajs';
import { testConfig } from '#infra/testing/test-config';
import { waitFor } from '#infra/testing/kafka-probe';
import { consumersHealthCheck } from '../http/health-checks.provider.js';
import { ProjectionConsumer, type ProjectionSink } from './projection-consumer.js';

const EVENTS = { GROUP_JOIN: 'consumer.group_join', CRASH: 'consumer.crash', STOP: 'consumer.stop' };

/** A kafkajs consumer that joins its group as soon as it runs, or whose connect is refused. */
class FakeConsumer {
  readonly events = EVENTS;
  private readonly listeners = new Map<string, (event: { payload: unknown }) => void>();
  constructor(private readonly refused: boolean) {}
  on(name: string, listener: (event: { payload: unknown }) => void): () => void {
    this.listeners.set(name, listener);
    return () => undefined;
  }
  emit(name: string, payload: unknown): void {
    this.listeners.get(name)?.({ payload });
  }
  connect(): Promise<void> {
    return this.refused ? Promise.reject(new Error('Connection error: connect ECONNREFUSED 127.0.0.1:9')) : Promise.resolve();
  }
  subscribe(): Promise<void> {
    return Promise.resolve();
  }
  run(): Promise<void> {
    this.emit(EVENTS.GROUP_JOIN, {});
    return Promise.resolve();
  }
  disconnect(): Promise<void> {
    this.emit(EVENTS.STOP, {});
    return Promise.resolve();
  }
}

/** A Kafka client whose n-th consumer (from 0) is refused when `refused(n)`. */
const fakeKafka = (refused: (n: number) => boolean): { kafka: Kafka; made: FakeConsumer[] } => {
  const made: FakeConsumer[] = [];
  const kafka = { consumer: () => made[made.push(new FakeConsumer(refused(made.length))) - 1] } as unknown as Kafka;
  return { kafka, made };
};

const sink: ProjectionSink = { name: 'account-statement', categories: ['account'], independentPartitions: true, apply: () => Promise.resolve({ applied: 0, skipped: 0, rejected: [] }) };
const settings = testConfig({ consumerGroupPrefix: 'unit' });

describe('ProjectionConsumer: starting and restarting', () => {
  let consumer: ProjectionConsumer | undefined;
  afterEach(async () => {
    await consumer?.stop();
  });

  it('start() keeps trying, with backoff, until Kafka accepts the consumer', async () => {
    const { kafka, made } = fakeKafka((n) => n < 3);
    consumer = new ProjectionConsumer(sink, kafka, null as never, settings);
    await consumer.start();
    expect(made).toHaveLength(4);
    expect(consumer.isRunning).toBe(true);
  }, 15_000);

  it('a consumer that crashed and cannot be recreated is reported unhealthy and retried until it runs again', async () => {
    const { kafka, made } = fakeKafka((n) => n >= 1 && n <= 4);
    consumer = new ProjectionConsumer(sink, kafka, null as never, settings);
    await consumer.start();
    const check = consumersHealthCheck([consumer]);
    expect(await check.run()).toMatchObject({ healthy: true });

    made[0]!.emit(EVENTS.CRASH, { error: new Error('broker went away'), restart: false });
    await waitFor(() => (consumer!.health.attempts ?? 0) >= 2, 10_000, 'a second attempt to recreate the consumer');
    const failing = await check.run();
    expect(failing.healthy).toBe(false);
    expect(failing.detail).toEqual({ 'account-statement': expect.objectContaining({ running: false, state: 'restarting', error: expect.stringContaining('ECONNREFUSED') as unknown }) as unknown });

    await waitFor(() => consumer!.isRunning, 20_000, 'the consumer to run again');
    expect(made).toHaveLength(6);
    expect(await check.run()).toMatchObject({ healthy: true });
  }, 30_000);

  it('stop() ends the retries', async () => {
    const { kafka, made } = fakeKafka(() => true);
    consumer = new ProjectionConsumer(sink, kafka, null as never, settings);
    const started = consumer.start();
    await waitFor(() => made.length >= 2, 5_000, 'a retry');
    await consumer.stop();
    await started;
    const count = made.length;
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(made.length).toBeLessThanOrEqual(count + 1);
    expect(consumer.isRunning).toBe(false);
  }, 15_000);
});
