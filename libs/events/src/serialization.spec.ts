import { decodeEnvelope, encodeEnvelope, knownEventCodec, PoisonEventError } from './serialization.js';
import { UpcasterChain } from './upcasters.js';
import type { EventEnvelope } from './envelope.js';

const envelope: EventEnvelope = {
  eventId: '6f1c0f7e-5d1c-4b8e-9f4a-1f1f1f1f1f1f',
  type: 'MoneyDeposited',
  schemaVersion: 1,
  streamId: 'account-42',
  streamRevision: 3,
  globalPosition: '1234',
  occurredAt: '2026-11-24T10:00:00.000Z',
  data: { accountId: '42', amount: 500, currency: 'EUR', description: null, depositedAt: '2026-11-24T10:00:00.000Z' },
  metadata: { correlationId: 'c-1', causationId: null },
};

describe('event envelope codec', () => {
  it('round-trips a valid envelope', () => {
    expect(decodeEnvelope(encodeEnvelope(envelope))).toEqual(envelope);
  });

  it.each([
    ['not JSON', '{oops', 'not JSON'],
    ['an unknown type', JSON.stringify({ ...envelope, type: 'MoneyPrinted' }), 'Unknown event type'],
    ['a missing revision', JSON.stringify({ ...envelope, streamRevision: undefined }), 'streamRevision'],
    ['a float amount', JSON.stringify({ ...envelope, data: { ...envelope.data as object, amount: 1.5 } }), 'amount must be a positive integer'],
    ['a lower-case currency', JSON.stringify({ ...envelope, data: { ...envelope.data as object, currency: 'eur' } }), 'currency'],
    ['a future schema version', JSON.stringify({ ...envelope, schemaVersion: 9 }), 'newer'],
  ])('rejects %s as poison', (_case, raw, message) => {
    expect(() => decodeEnvelope(raw)).toThrow(PoisonEventError);
    expect(() => decodeEnvelope(raw)).toThrow(message);
  });

  it('rejects an empty message', () => {
    expect(() => decodeEnvelope(null)).toThrow(PoisonEventError);
  });
});

describe('AccountOpened versions', () => {
  // As stored before owners were recorded (schema 1): no ownerId, and a plain string for the actor.
  const storedV1 =
    '{"eventId":"0b8a4c5e-2f1d-4c61-9a7e-3d2c1b0a9f8e","type":"AccountOpened","schemaVersion":1,"streamId":"account-7","streamRevision":0,' +
    '"globalPosition":"17","occurredAt":"2026-01-05T09:00:00.000Z",' +
    '"data":{"accountId":"7","ownerName":"Ada","currency":"EUR","openedAt":"2026-01-05T09:00:00.000Z"},' +
    '"metadata":{"correlationId":"c-7","causationId":null,"actor":"cli"}}';
  const v1 = JSON.parse(storedV1) as EventEnvelope;

  it('decodes a schema 1 envelope as schema 2 with no owner (ownerId null), the rest unchanged', () => {
    expect(decodeEnvelope(storedV1)).toEqual({
      ...v1,
      schemaVersion: 2,
      data: { accountId: '7', ownerName: 'Ada', currency: 'EUR', openedAt: '2026-01-05T09:00:00.000Z', ownerId: null },
    });
  });

  it('gives a schema 1 event no owner even when its payload names one', () => {
    const named = JSON.stringify({ ...v1, data: { ...(v1.data as object), ownerId: 'cust-ada' } });
    expect(decodeEnvelope(named).data).toMatchObject({ ownerId: null });
  });

  it('folds a stored schema 1 event, in the write path, with ownerId null', () => {
    expect(knownEventCodec().decode(v1)).toEqual({
      type: 'AccountOpened',
      data: { accountId: '7', ownerName: 'Ada', currency: 'EUR', openedAt: '2026-01-05T09:00:00.000Z', ownerId: null },
    });
  });

  it('round-trips a schema 2 envelope with its owner', () => {
    const v2 = { ...v1, schemaVersion: 2, data: { ...(v1.data as object), ownerId: 'cust-ada' } };
    expect(decodeEnvelope(encodeEnvelope(v2))).toEqual(v2);
  });

  it('rejects a schema 2 envelope without ownerId as poison', () => {
    expect(() => decodeEnvelope(JSON.stringify({ ...v1, schemaVersion: 2 }))).toThrow('ownerId must be a string or null');
  });
});

describe('UpcasterChain', () => {
  const chain = new UpcasterChain([
    { type: 'Renamed', fromVersion: 1, upcast: (d) => ({ ...(d as object), step1: true }) },
    { type: 'Renamed', fromVersion: 2, upcast: (d) => ({ ...(d as object), step2: true }) },
  ]);
  const old = { ...envelope, type: 'Renamed', schemaVersion: 1, data: { v: 1 } };

  it('upcasts one version at a time to the current one', () => {
    expect(chain.upcast(old, 3)).toMatchObject({ schemaVersion: 3, data: { v: 1, step1: true, step2: true } });
  });
  it('leaves a current envelope untouched', () => {
    expect(chain.upcast(old, 1)).toBe(old);
  });
  it('fails loudly when a step is missing', () => {
    expect(() => chain.upcast(old, 4)).toThrow('No upcaster for Renamed from schema version 3');
  });
});
