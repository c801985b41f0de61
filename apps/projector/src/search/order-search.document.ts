import type { OrderHistoryRow } from '#infra/read-models/order-history.table';

/** What is indexed for an order: the order-history row, plus what search needs precomputed. */
export interface OrderSearchDocument extends OrderHistoryRow {
  readonly itemCount: number;
}

export const toSearchDocument = (row: OrderHistoryRow): OrderSearchDocument => ({
  ...row,
  itemCount: row.items.reduce((sum, item) => sum + item.quantity, 0),
});

export const fromSearchDocument = (doc: OrderSearchDocument): OrderHistoryRow => {
  const { itemCount: _itemCount, ...row } = doc;
  return row;
};
