import type { Command } from '../shared/decider.js';

export interface LineItemInput {
  readonly sku: string;
  readonly name: string;
  readonly quantity: number;
  readonly unitPrice: number;
}

export type CreateOrder = Command<
  'CreateOrder',
  { orderId: string; customerId: string; accountId: string; currency: string; items: readonly LineItemInput[] }
>;
export type CancelOrder = Command<'CancelOrder', { orderId: string; reason: string }>;
export type ShipOrder = Command<'ShipOrder', { orderId: string }>;

export type OrderCommand = CreateOrder | CancelOrder | ShipOrder;
