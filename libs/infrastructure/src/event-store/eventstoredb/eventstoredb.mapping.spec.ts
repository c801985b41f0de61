import { ANY, NO_STREAM, WrongExpectedVersionError, type AllStreamRecordedEvent, type AppendExpectedRevision } from '@eventstore/db-client';
import { WrongExpectedRevisionError } from '#eventsourcing';
import { isSystemRecord, positionAfter, toConcurrencyError, toEventData, toExpectedRevision, toStoredEvent } from './eventstoredb.mapping.js';

const metadata = { correlationId: 'c-1', causationId: null };

describe('EventStoreDB mapping', () => {
  it('maps expected revisions: no_stream, any, a revision', () => {
    expect(toExpectedRevision('no_stream')).toBe(NO_STREAM);
    expect(toExpectedRevision('any')).toBe(ANY);
    expect(toExpectedRevision(0)).toBe(0n);
    expect(toExpectedRevision(41)).toBe(41n);
    expect(() => toExpectedRevision(-1)).toThrow(RangeError);
    expect(() => toExpectedRevision(1.5)).toThrow(RangeError);
  });

  // As the client builds it from a batch append's response: stream name, expected and current.
  const wrongVersion = (streamName: string, expected: AppendExpectedRevision, current: bigint | typeof NO_STREAM) =>
    new WrongExpectedVersionError(undefined, { streamName, expected, current });

  it('maps a wrong-expected-version error to the typed concurrency error', () => {
    const stale = toConcurrencyError(wrongVersion('account-1', 3n, 5n));
    expect(stale).toBeInstanceOf(WrongExpectedRevisionError);
    expect(stale).toMatchObject({ streamId: 'account-1', expected: 3, actual: 5 });
    expect(toConcurrencyError(wrongVersion('order-9', 0n, NO_STREAM))).toMatchObject({ streamId: 'order-9', expected: 0, actual: null });
    expect(toConcurrencyError(wrongVersion('order-9', NO_STREAM, 2n))).toMatchObject({ expected: 'no_stream', actual: 2 });
  });

  it('round-trips an event: id, type, data, metadata, schema version, time, revision and position', () => {
    const data = toEventData({ eventId: '6f1b1f0e-1d2c-4c55-9f0e-0b7f5d3c2a11', type: 'MoneyDeposited', schemaVersion: 2, occurredAt: '2026-01-02T03:04:05.678Z', data: { amount: 5 }, metadata });
    expect(data).toMatchObject({ id: '6f1b1f0e-1d2c-4c55-9f0e-0b7f5d3c2a11', type: 'MoneyDeposited', contentType: 'application/json', data: { amount: 5 } });
    const recorded = {
      streamId: 'account-1', id: data.id, isJson: true, revision: 7n, type: data.type, created: new Date('2026-01-02T03:04:06Z'),
      data: data.data, metadata: data.metadata, position: { commit: 1200n, prepare: 1180n },
    } as unknown as AllStreamRecordedEvent;
    expect(toStoredEvent(recorded)).toEqual({
      eventId: data.id, type: 'MoneyDeposited', schemaVersion: 2, streamId: 'account-1', streamRevision: 7,
      globalPosition: '1180', occurredAt: '2026-01-02T03:04:05.678Z', data: { amount: 5 }, metadata,
      logPosition: { commit: 1200n, prepare: 1180n },
    });
  });

  it('refuses a binary record rather than guessing', () => {
    const binary = { streamId: 'x-1', id: 'i', isJson: false, revision: 0n, type: 'T', created: new Date(), data: new Uint8Array(), metadata: undefined } as unknown as AllStreamRecordedEvent;
    expect(() => toStoredEvent(binary)).toThrow(/not JSON/);
  });

  it('tells system records apart and bounds a position from above', () => {
    expect(isSystemRecord({ streamId: '$stats-127.0.0.1:2113', type: '$statsCollected' })).toBe(true);
    expect(isSystemRecord({ streamId: 'account-1', type: '$>' })).toBe(true);
    expect(isSystemRecord({ streamId: 'account-1', type: 'MoneyDeposited' })).toBe(false);
    expect(positionAfter({ commit: 10n, prepare: 9n })).toEqual({ commit: 10n, prepare: 10n });
  });
});
