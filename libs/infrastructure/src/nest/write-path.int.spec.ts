import { randomUUID } from 'node:crypto';
import { accountDecider, accountSnapshot, IllegalStateError, type Actor } from '#domain';
import { accountStreamId, type NewEvent, type AppendMetadata } from '#events';
import { WrongExpectedRevisionError, type AppendResult, type ExpectedRevision, type StoredEvent } from '#eventsourcing';
import { PostgresEventStore } from '../event-store/postgres/postgres-event-store.js';
import { PostgresSnapshotStore } from '../event-store/postgres/postgres-snapshot-store.js';
import { migrate } from '../postgres/migrate.js';
import { createPool, type Pool } from '../postgres/pool.js';
import { testConfig } from '../testing/test-config.js';
import { streamBatchSize } from '../metrics/write.metrics.js';
import { WritePath, type WriteCaching, type WriteDefaults } from './write-path.js';

/** The PostgreSQL store, telling what the write path read and how its appends went. */
class RecordingStore extends PostgresEventStore {
  readonly reads: { streamId: string; from: number; rows: number }[] = [];
  appends = 0;
  conflicts = 0;

  override async readStream(streamId: string, fromRevision = 0): Promise<StoredEvent[]> {
    const events = await super.readStream(streamId, fromRevision);
    this.reads.push({ streamId, from: fromRevision, rows: events.length });
    return events;
  }

  override async append(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    this.appends++;
    try {
      return await super.append(streamId, events, expected);
    } catch (error) {
      if (error instanceof WrongExpectedRevisionError) this.conflicts++;
      throw error;
    }
  }

  readsOf(streamId: string): { from: number; rows: number }[] {
    return this.reads.filter((r) => r.streamId === streamId).map(({ from, rows }) => ({ from, rows }));
  }
}

const ada: Actor = { subject: 'cust-ada', roles: ['customer'] };
const metadata = (extra: Partial<AppendMetadata> = {}): AppendMetadata => ({ correlationId: randomUUID(), causationId: null, actor: { subject: ada.subject, client: 'web' }, ...extra });
const now = (): string => new Date().toISOString();

const until = async (check: () => Promise<boolean>, what: string): Promise<void> => {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

describe('WritePath on PostgreSQL: cached aggregates, snapshots, busy streams', () => {
  let pool: Pool;
  let other: Pool;
  beforeAll(async () => {
    pool = createPool(testConfig(), 8);
    other = createPool(testConfig(), 4);
    await migrate(pool);
  });
  afterAll(async () => {
    await Promise.all([pool.end(), other.end()]);
  });

  const writePath = (store: RecordingStore, caching: WriteCaching = {}, defaults: WriteDefaults = {}): WritePath => new WritePath(store, defaults, caching);
  const open = (writes: WritePath, accountId: string, options: { metadata?: AppendMetadata } = {}) =>
    writes.handle(accountDecider, accountStreamId(accountId), { type: 'OpenAccount', data: { accountId, ownerName: 'Ada', currency: 'EUR' }, metadata: { now: now(), actor: ada } }, { metadata: metadata(), ...options });
  const deposit = (writes: WritePath, accountId: string, amount: number, options: { metadata?: AppendMetadata } = {}) =>
    writes.handle(accountDecider, accountStreamId(accountId), { type: 'DepositMoney', data: { accountId, amount, currency: 'EUR' }, metadata: { now: now(), actor: ada } }, { metadata: metadata(), ...options });
  const withdraw = (writes: WritePath, accountId: string, amount: number) =>
    writes.handle(accountDecider, accountStreamId(accountId), { type: 'WithdrawMoney', data: { accountId, amount, currency: 'EUR' }, metadata: { now: now(), actor: ada } }, { metadata: metadata() });
  const snapshotOf = async (accountId: string) =>
    (await pool.query<{ revision: string; state_version: number }>('SELECT revision, state_version FROM snapshots WHERE stream_id = $1', [accountStreamId(accountId)])).rows[0];

  it('a command on a cached stream is decided on the cache, without reading the stream: its append is conditional on the revision held', async () => {
    const store = new RecordingStore(pool);
    const writes = writePath(store);
    const id = randomUUID();
    await open(writes, id);
    for (let i = 0; i < 3; i++) await deposit(writes, id, 10);
    expect(store.readsOf(accountStreamId(id))).toEqual([{ from: 0, rows: 0 }]);
    expect(store.conflicts).toBe(0);
  });

  it('folds in another process’s append before refusing on a cached state: no conflict, no stale refusal', async () => {
    const mine = new RecordingStore(pool);
    const theirs = new RecordingStore(other);
    const here = writePath(mine);
    const there = writePath(theirs);
    const id = randomUUID();
    await open(here, id);
    await deposit(here, id, 10);
    await deposit(there, id, 5);
    // Only the deposit made elsewhere makes this possible.
    expect(await withdraw(here, id, 15)).toMatchObject({ revision: 3, appended: 1 });
    expect(mine.readsOf(accountStreamId(id)).at(-1)).toEqual({ from: 2, rows: 1 });
    expect(mine.conflicts + theirs.conflicts).toBe(0);
  });

  it('two processes writing one account at once: every command lands once, those that lost a race decided again', async () => {
    const stores = [new RecordingStore(pool), new RecordingStore(other)];
    const [here, there] = stores.map((store) => writePath(store));
    const id = randomUUID();
    await open(here!, id);
    const results = await Promise.all(Array.from({ length: 16 }, (_, i) => deposit(i % 2 ? here! : there!, id, 1)));
    expect(results.map((r) => r.revision).sort((a, b) => a! - b!)).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
    expect(await withdraw(here!, id, 16)).toMatchObject({ revision: 17 });
  });

  it('snapshots a long stream in the background, and a process with nothing cached starts from the snapshot', async () => {
    const snapshots = new PostgresSnapshotStore(pool);
    const writes = writePath(new RecordingStore(pool), { snapshots, snapshotEvery: 5 });
    const id = randomUUID();
    await open(writes, id);
    for (let i = 0; i < 6; i++) await deposit(writes, id, 10);
    await until(async () => (await snapshotOf(id))?.revision === '4', 'the snapshot at revision 4');
    expect(await snapshotOf(id)).toEqual({ revision: '4', state_version: accountSnapshot.version });

    const fresh = new RecordingStore(pool);
    const restarted = writePath(fresh, { snapshots, snapshotEvery: 5 });
    expect(await withdraw(restarted, id, 60)).toMatchObject({ revision: 7, appended: 1 });
    await expect(withdraw(restarted, id, 1)).rejects.toBeInstanceOf(IllegalStateError);
    expect(fresh.readsOf(accountStreamId(id))[0]).toEqual({ from: 5, rows: 2 });
  });

  it('ignores a snapshot of another state version, folds the events, and takes a new snapshot', async () => {
    const snapshots = new PostgresSnapshotStore(pool);
    const id = randomUUID();
    const setup = writePath(new RecordingStore(pool));
    await open(setup, id);
    for (let i = 0; i < 5; i++) await deposit(setup, id, 10);
    // An old shape, claiming a balance the events never gave.
    const forged = { status: 'Open', accountId: id, ownerId: ada.subject, currency: 'EUR', balance: 1_000_000, paidOrders: [], refundedOrders: [] };
    await snapshots.save({ streamId: accountStreamId(id), revision: 5, position: '0', state: forged, stateVersion: accountSnapshot.version - 1 });

    const fresh = new RecordingStore(pool);
    const writes = writePath(fresh, { snapshots, snapshotEvery: 5 });
    await expect(withdraw(writes, id, 1_000)).rejects.toBeInstanceOf(IllegalStateError);
    expect(fresh.readsOf(accountStreamId(id))[0]).toEqual({ from: 0, rows: 6 });
    await until(async () => (await snapshotOf(id))?.state_version === accountSnapshot.version, 'a snapshot of the current version');
    expect(await withdraw(writePath(new RecordingStore(pool), { snapshots, snapshotEvery: 5 }), id, 50)).toMatchObject({ revision: 6 });
  });

  it('16 concurrent deposits on one account in one process: all accepted, no conflict, consecutive revisions, each its own position', async () => {
    const store = new RecordingStore(pool);
    const writes = writePath(store);
    const id = randomUUID();
    await open(writes, id);
    const before = store.appends;
    const batches = async () => (await streamBatchSize.get()).values.find((v) => v.metricName === 'command_stream_batch_size_count')?.value ?? 0;
    const batchesBefore = await batches();
    const results = await Promise.all(Array.from({ length: 16 }, () => deposit(writes, id, 1)));
    expect(results.map((r) => r.revision).sort((a, b) => a! - b!)).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
    expect(store.conflicts).toBe(0);
    // Decided in turn and appended together, not one append each.
    expect(store.appends - before).toBeLessThan(16);
    // And counted as such: fewer batches than commands.
    expect((await batches()) - batchesBefore).toBeLessThan(16);
    const stored = await store.readStream(accountStreamId(id));
    for (const r of results) expect(r.position).toBe(stored[r.revision!]!.globalPosition);
  });

  it('a refused command among them fails alone', async () => {
    const store = new RecordingStore(pool);
    const writes = writePath(store);
    const id = randomUUID();
    await open(writes, id);
    const outcomes = await Promise.allSettled([
      ...Array.from({ length: 4 }, () => deposit(writes, id, 1)),
      withdraw(writes, id, 100),
      ...Array.from({ length: 4 }, () => deposit(writes, id, 1)),
    ]);
    expect(outcomes[4]).toMatchObject({ status: 'rejected', reason: { code: 'insufficient_funds' } });
    const accepted = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value.revision] : []));
    expect(accepted.sort((a, b) => a! - b!)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(store.conflicts).toBe(0);
    expect(await store.readStream(accountStreamId(id))).toHaveLength(9);
  });

  it('answers an Idempotency-Key from the events, whatever the cache or the snapshot holds', async () => {
    const snapshots = new PostgresSnapshotStore(pool);
    const caching = { snapshots, snapshotEvery: 3 };
    const defaults = { idempotencyWindowMs: 60_000 };
    const store = new RecordingStore(pool);
    const writes = writePath(store, caching, defaults);
    const id = randomUUID();
    const key = `key-${randomUUID()}`;
    await open(writes, id);
    const first = await deposit(writes, id, 10, { metadata: metadata({ idempotencyKey: key }) });
    for (let i = 0; i < 4; i++) await deposit(writes, id, 1);
    await until(async () => Number((await snapshotOf(id))?.revision ?? -1) >= 3, 'a snapshot past the keyed event');

    expect(await deposit(writes, id, 10, { metadata: metadata({ idempotencyKey: key }) })).toEqual({ ...first, appended: 0 });
    const fresh = new RecordingStore(pool);
    const restarted = writePath(fresh, caching, defaults);
    expect(await deposit(restarted, id, 10, { metadata: metadata({ idempotencyKey: key }) })).toEqual({ ...first, appended: 0 });
    expect(fresh.readsOf(accountStreamId(id))[0]!.from).toBeGreaterThan(first.revision!);
    // Another caller's use of the same key is a new command.
    const bob = { subject: 'cust-bob', client: 'web' };
    await expect(deposit(restarted, id, 10, { metadata: metadata({ idempotencyKey: key, actor: bob }) })).resolves.toMatchObject({ appended: 1 });
    expect(await store.readStream(accountStreamId(id))).toHaveLength(7);
  });
});
