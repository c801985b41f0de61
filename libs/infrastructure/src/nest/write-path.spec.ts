import { accountDecider } from '#domain';
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
    const metadata = { correlationId: 'c', causationId: null };
    await writes.handle(accountDecider, accountStreamId('a-1'), { type: 'OpenAccount', data: { accountId: 'a-1', ownerName: 'Ada', currency: 'EUR' }, metadata: { now } }, { metadata });
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        writes.handle(accountDecider, accountStreamId('a-1'), { type: 'DepositMoney', data: { accountId: 'a-1', amount: 1, currency: 'EUR' }, metadata: { now } }, { metadata }),
      ),
    );
    expect(results.map((r) => r.revision).sort((a, b) => a! - b!)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(conflicts).toBe(0);
  });
});
