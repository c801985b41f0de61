import { randomUUID } from 'node:crypto';
import { migrate } from '#infra/postgres/migrate';
import { createPool, type Pool } from '#infra/postgres/pool';
import { testConfig } from '#infra/testing/test-config';
import { orderCreated, orderShipped, principal, projectOrders } from '../testing/read-model-fixtures.js';
import { OrderQueries } from './order.queries.js';

describe('OrderQueries: who sees which order (real PostgreSQL)', () => {
  let pool: Pool;
  let orders: OrderQueries;
  const alice = principal(`subject-${randomUUID()}`, 'customer');
  const bob = principal(`subject-${randomUUID()}`, 'customer');
  const oscar = principal(`subject-${randomUUID()}`, 'operator');
  const alices = [randomUUID(), randomUUID(), randomUUID()];
  const bobs = randomUUID();

  beforeAll(async () => {
    pool = createPool(testConfig(), 2);
    await migrate(pool);
    orders = new OrderQueries(pool);
    await projectOrders(pool, [...alices.map((id) => orderCreated(id, alice.subject)), orderCreated(bobs, bob.subject)]);
    await projectOrders(pool, [orderShipped(alices[0]!)]);
  });
  afterAll(async () => {
    await pool.end();
  });

  it('a customer sees their own orders, one by one and as a list', async () => {
    expect(await orders.byId(alice, alices[0]!)).toMatchObject({ orderId: alices[0], customerId: alice.subject, status: 'shipped' });
    const list = await orders.forCustomer(alice, alice.subject, { limit: 2 });
    expect(list?.items).toHaveLength(2);
    expect(list?.nextCursor).toEqual(expect.any(String));
    expect((await orders.forCustomer(alice, alice.subject, { status: 'shipped' }))?.items.map((o) => o.orderId)).toEqual([alices[0]]);
  });

  it('to another customer, an order or a customer’s list is not there, as if it did not exist', async () => {
    expect(await orders.byId(bob, alices[0]!)).toBeNull();
    expect(await orders.byId(bob, randomUUID())).toBeNull();
    expect(await orders.forCustomer(bob, alice.subject, {})).toBeNull();
    expect(await orders.forCustomer(bob, `nobody-${randomUUID()}`, {})).toBeNull();
  });

  it('an operator sees every order and every customer’s list (an unknown customer’s is empty)', async () => {
    expect(await orders.byId(oscar, bobs)).toMatchObject({ orderId: bobs, customerId: bob.subject });
    expect((await orders.forCustomer(oscar, alice.subject, {}))?.items).toHaveLength(3);
    expect(await orders.forCustomer(oscar, `nobody-${randomUUID()}`, {})).toEqual({ items: [], nextCursor: null });
  });
});
