import type { EventEnvelope, OrderEvent } from '#events';
import { evolveOrderHistory } from './order-history.projection.js';
import { ProjectionError } from './projection.js';

const at = '2026-11-24T10:00:00.000Z';
const later = '2026-11-24T11:00:00.000Z';
const envelope = (event: OrderEvent, revision: number, occurredAt = at): EventEnvelope<OrderEvent> => ({
  ...event,
  eventId: `e-${revision}`,
  schemaVersion: 1,
  streamId: 'order-o1',
  streamRevision: revision,
  globalPosition: String(100 + revision),
  occurredAt,
  metadata: { correlationId: 'c', causationId: null },
});
const created = envelope(
  {
    type: 'OrderCreated',
    data: { orderId: 'o1', customerId: 'c1', accountId: 'a1', currency: 'EUR', items: [{ sku: 'S', name: 'N', quantity: 2, unitPrice: 150 }], total: 300, createdAt: at },
  },
  0,
);

describe('order-history evolve', () => {
  it('creates one denormalised row from OrderCreated', () => {
    expect(evolveOrderHistory(null, created)).toEqual({
      orderId: 'o1', customerId: 'c1', accountId: 'a1', currency: 'EUR', items: [{ sku: 'S', name: 'N', quantity: 2, unitPrice: 150 }],
      total: 300, status: 'created', cancelReason: null, createdAt: at, cancelledAt: null, shippedAt: null,
      statusHistory: [{ status: 'created', at, revision: 0 }], revision: 0, updatedAt: at, paymentStatus: 'pending',
    });
  });

  it('records cancellation with its reason and the status history', () => {
    const row = evolveOrderHistory(evolveOrderHistory(null, created), envelope({ type: 'OrderCancelled', data: { orderId: 'o1', reason: 'late', cancelledAt: later } }, 1, later));
    expect(row).toMatchObject({ status: 'cancelled', cancelReason: 'late', cancelledAt: later, revision: 1, updatedAt: later });
    expect(row.statusHistory.map((s) => s.status)).toEqual(['created', 'cancelled']);
  });

  it('records shipping', () => {
    const row = evolveOrderHistory(evolveOrderHistory(null, created), envelope({ type: 'OrderShipped', data: { orderId: 'o1', shippedAt: later } }, 1, later));
    expect(row).toMatchObject({ status: 'shipped', shippedAt: later, revision: 1 });
  });

  it('follows the payment: pending, paid, refund due on cancellation, refunded; or unpaid when cancelled first', () => {
    const row0 = evolveOrderHistory(null, created);
    const paid = evolveOrderHistory(row0, envelope({ type: 'OrderPaid', data: { orderId: 'o1', accountId: 'a1', amount: 300, paidAt: later } }, 1, later));
    expect(paid).toMatchObject({ paymentStatus: 'paid', status: 'created', revision: 1 });
    const cancelledAfter = evolveOrderHistory(paid, envelope({ type: 'OrderCancelled', data: { orderId: 'o1', reason: 'late', cancelledAt: later } }, 2, later));
    expect(cancelledAfter).toMatchObject({ paymentStatus: 'refund_pending', status: 'cancelled' });
    const refunded = evolveOrderHistory(cancelledAfter, envelope({ type: 'OrderRefunded', data: { orderId: 'o1', accountId: 'a1', amount: 300, refundedAt: later } }, 3, later));
    expect(refunded).toMatchObject({ paymentStatus: 'refunded', revision: 3 });
    const cancelledFirst = evolveOrderHistory(row0, envelope({ type: 'OrderCancelled', data: { orderId: 'o1', reason: 'no funds', cancelledAt: later } }, 1, later));
    expect(cancelledFirst).toMatchObject({ paymentStatus: 'unpaid' });
  });

  it('rejects an event for an order that was never created, and a second creation', () => {
    expect(() => evolveOrderHistory(null, envelope({ type: 'OrderShipped', data: { orderId: 'o1', shippedAt: later } }, 1))).toThrow(ProjectionError);
    expect(() => evolveOrderHistory(evolveOrderHistory(null, created), created)).toThrow(ProjectionError);
  });
});
