import { randomUUID } from 'node:crypto';
import { EventStoreDBClient } from '@eventstore/db-client';
import { accountStreamId, decodeEnvelope, topicForCategory, type NewEvent } from '#events';
import { EventStoreDbEventStore } from '../event-store/eventstoredb/eventstoredb-event-store.js';
import { createKafka, topicLayout } from '../kafka/kafka.js';
import { ensureTestTopics, startKafkaProbe, waitFor } from '../testing/kafka-probe.js';
import { EventStoreDbRelay } from './eventstoredb-relay.js';
import { testConfig } from '#infra/testing/test-config';

// Runs whenever EVENTSTORE_CONNECTION_STRING points at an EventStoreDB server (docker-compose has
// one); there is none on the machine this project is built on, so it is reported skipped there.
const connectionString = process.env['EVENTSTORE_CONNECTION_STRING'];
const describeWithServer = connectionString ? describe : describe.skip;

const deposited = (accountId: string, amount: number): NewEvent => ({
  eventId: randomUUID(), type: 'MoneyDeposited', schemaVersion: 1, occurredAt: new Date().toISOString(),
  metadata: { correlationId: randomUUID(), causationId: null },
  data: { accountId, amount, currency: 'EUR', description: null, depositedAt: new Date().toISOString() },
});

describeWithServer(`Relay: EventStoreDB → Kafka${connectionString ? '' : ' (skipped: EVENTSTORE_CONNECTION_STRING is not set)'}`, () => {
  const kafka = createKafka(testConfig(), 'esdb-relay-test');
  let store: EventStoreDbEventStore;
  const clients: EventStoreDBClient[] = [];
  const relay = (name: string): EventStoreDbRelay => {
    const client = EventStoreDBClient.connectionString(connectionString!);
    clients.push(client);
    return new EventStoreDbRelay(client, kafka, { name, batchSize: 50, pollIntervalMs: 100, topics: topicLayout(testConfig()) });
  };

  beforeAll(async () => {
    store = EventStoreDbEventStore.connect(connectionString!);
    await ensureTestTopics(kafka);
  });
  afterAll(async () => {
    await store.close();
    await Promise.all(clients.map((c) => c.dispose()));
  });

  it('publishes every appended event with the same key, value and headers as the PostgreSQL relay, and resumes from its checkpoint', async () => {
    const probe = await startKafkaProbe(kafka, [topicForCategory('account', testConfig().kafkaTopicPrefix)]);
    const accountId = randomUUID();
    const stream = accountStreamId(accountId);
    for (let i = 0; i < 20; i++) await store.append(stream, [deposited(accountId, i + 1)], i === 0 ? 'no_stream' : i - 1);
    const name = `test-${randomUUID()}`; // one checkpoint for both relays
    const first = relay(name);
    first.start();
    const ours = () => probe.records.filter((r) => r.key === stream);
    await waitFor(() => ours().length >= 20, 30_000, '20 events on Kafka');
    await first.stop();
    for (let i = 20; i < 30; i++) await store.append(stream, [deposited(accountId, i + 1)], i - 1);
    const second = relay(name);
    second.start();
    await waitFor(() => ours().length >= 30, 30_000, '30 events on Kafka');
    await second.stop();
    await probe.stop();
    const envelopes = ours().map((r) => ({ record: r, envelope: decodeEnvelope(r.value) }));
    expect(envelopes.map((e) => e.envelope.streamRevision)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    for (const { record, envelope } of envelopes) {
      expect(record.headers).toMatchObject({ type: 'MoneyDeposited', eventId: envelope.eventId, streamRevision: String(envelope.streamRevision) });
    }
  }, 90_000);
});
