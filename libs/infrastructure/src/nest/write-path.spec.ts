import { accountDecider, type Actor } from '#domain';
import { accountStreamId } from '#events';
import { InMemoryEventStore, WrongExpectedRevisionError } from '#eventsourcing';
import { WritePath } from './write-path.js';

describe('WritePath: a busy stream in one process', () => {
  it('decides concurrent commands for one stream in turn: all accepted, no lost race', async () => {
    const store = new InMemoryEventStore();
    let conflicts = 0;
    const append = store.append.bind(store);
    store.append = (id, events, expected) =>
      append(id, events, expected).catch((error: unknown) => {
        if (error instanceof WrongExpectedRevisionError) conflicts++;
        throw error;
      });
    // A reader that yields, as a real store does, so that concurrent commands would interleave.
    const read = store.readStream.bind(store);
    store.readStream = async (id, from) => {
      const events = await read(id, from);
      await new Promise((resolve) => setTimeout(resolve, 1));
      return events;
    };
    const writes = new WritePath(store, {});
    const now = new Date().toISOString();
    const ada: Actor = { subject: 'cust-ada', roles: ['customer'] };
    const metadata = { correlationId: 'c', causationId: null, actor: { subject: ada.subject, client: 'web' } };
    await writes.handle(accountDecider, accountStreamId('a-1'), { type: 'OpenAccount', data: { accountId: 'a-1', ownerName: 'Ada', currency: 'EUR' }, metadata: { now, actor: ada } }, { metadata });
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        writes.handle(accountDecider, accountStreamId('a-1'), { type: 'DepositMoney', data: { accountId: 'a-1', amount: 1, currency: 'EUR' }, metadata: { now, actor: ada } }, { metadata }),
      ),
    );
    expect(results.map((r) => r.revision).sort((a, b) => a! - b!)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(conflicts).toBe(0);
  });
});

describe('WritePath.stateOf: a fact of another aggregate, as the stream holds it now', () => {
  const at = '2026-11-25T10:00:00.000Z';
  const opened = (accountId: string, schemaVersion: number, owner: object) => ({
    eventId: `opened-${accountId}`, type: 'AccountOpened', schemaVersion, occurredAt: at,
    data: { accountId, ownerName: 'Ada', currency: 'EUR', openedAt: at, ...owner }, metadata: { correlationId: 'c', causationId: null },
  });

  it('folds the stream with the project’s codec: the owner of an account, none for one opened before owners were recorded', async () => {
    const store = new InMemoryEventStore();
    await store.append(accountStreamId('a-2'), [opened('a-2', 2, { ownerId: 'cust-ada' })], 'no_stream');
    await store.append(accountStreamId('a-1'), [opened('a-1', 1, {})], 'no_stream');
    const writes = new WritePath(store, {});
    expect(await writes.stateOf(accountDecider, accountStreamId('a-2'))).toMatchObject({ status: 'Open', ownerId: 'cust-ada' });
    expect(await writes.stateOf(accountDecider, accountStreamId('a-1'))).toMatchObject({ status: 'Open', ownerId: null });
    expect(await writes.stateOf(accountDecider, accountStreamId('a-3'))).toEqual({ status: 'None' });
  });
});
