import { decodeEnvelope } from '#events';
import { newEvent } from '#eventsourcing/testing';
import { testConfig } from '#infra/testing/test-config';
import { PostgresEventStore } from '../event-store/postgres/postgres-event-store.js';
import { migrate } from '../postgres/migrate.js';
import { createPool } from '../postgres/pool.js';
import { rawToOutgoingRecord, toOutgoingRecord } from './kafka-message.js';

describe('Kafka records of events read with their data and metadata as JSON text', () => {
  const pool = createPool(testConfig(), 2);
  const store = new PostgresEventStore(pool);
  beforeAll(() => migrate(pool));
  afterAll(() => pool.end());

  it('carry the envelope, key, headers and trace context the parsed events give', async () => {
    const stream = `account-${crypto.randomUUID()}`;
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const opened = { ...newEvent('AccountOpened', { accountId: 'a', ownerName: 'Zoë "Quote" \\ Ω 🦀', currency: 'EUR', openedAt: '2026-11-26T10:00:00.000Z', ownerId: null }), schemaVersion: 2 };
    const deposited = newEvent('MoneyDeposited', { accountId: 'a', amount: 9_007_199_254_740_991, currency: 'EUR', description: 'line\nbreak\ttab', depositedAt: '2026-11-26T10:00:01.000Z', nested: { list: [1, 2.5, null, true], empty: {} } });
    const traced = { ...deposited, metadata: { ...deposited.metadata, traceparent, actor: 'alice' } };
    const { logPosition } = await store.append(stream, [opened, traced], 'no_stream');
    const from = { commit: logPosition.commit, prepare: logPosition.prepare - 2n };

    let parsed = await store.readAll(from, 2);
    let raw = await store.readAllRaw(from, 2);
    for (const deadline = Date.now() + 10_000; (parsed.events.length < 2 || raw.events.length < 2) && Date.now() < deadline; ) {
      await new Promise((done) => setTimeout(done, 50));
      [parsed, raw] = [await store.readAll(from, 2), await store.readAllRaw(from, 2)];
    }
    expect(raw.events.map((e) => e.streamId)).toEqual([stream, stream]);
    expect(raw.next).toEqual(parsed.next);

    raw.events.forEach((event, i) => {
      const fromRaw = rawToOutgoingRecord(event, 'p.');
      const fromParsed = toOutgoingRecord(parsed.events[i]!, 'p.');
      expect(JSON.parse(fromRaw.value)).toEqual(JSON.parse(fromParsed.value));
      expect(decodeEnvelope(fromRaw.value)).toEqual(decodeEnvelope(fromParsed.value));
      expect([fromRaw.topic, fromRaw.key, fromRaw.headers, fromRaw.traceparent]).toEqual([fromParsed.topic, fromParsed.key, fromParsed.headers, fromParsed.traceparent]);
      expect(Math.abs(fromRaw.bytes - fromParsed.bytes)).toBeLessThan(fromParsed.bytes * 0.2);
    });
    expect(rawToOutgoingRecord(raw.events[1]!).headers['traceparent']).toBe(traceparent);
    expect(rawToOutgoingRecord(raw.events[0]!).headers['traceparent']).toBeUndefined();
  });
});
