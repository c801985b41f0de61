import { ApiProperty } from '@nestjs/swagger';
import type { OrderLineItem } from '#events';
import type { AccountRow, TransactionRow } from '#infra/read-models/account-statement.table';
import type { OrderHistoryRow, StatusChange } from '#infra/read-models/order-history.table';
import { ORDER_STATUSES } from './list-query.dto.js';

// The answers' shapes for the API description; `implements` keeps them in step with the read models.
const ID = '0b6f1c2e-4f7a-4d7e-9a43-3f0d8f1f2a10';
const SUBJECT = '5f1d7a56-3c1b-4f0e-9d2a-7a0c2b1e9f11';
const AT = '2026-11-26T09:30:00.000Z';
const PAYMENT_STATUSES = ['pending', 'paid', 'unpaid', 'refund_pending', 'refunded'] as const;

export class AccountBody implements AccountRow {
  @ApiProperty({ format: 'uuid', example: ID }) accountId!: string;
  @ApiProperty({ example: 'Alice Example' }) ownerName!: string;
  @ApiProperty({ type: 'string', nullable: true, example: SUBJECT, description: 'The subject who opened it; null for accounts opened before owners were recorded' })
  ownerId!: string | null;
  @ApiProperty({ example: 'EUR' }) currency!: string;
  @ApiProperty({ type: 'integer', example: 2500, description: 'Minor units of the currency' }) balance!: number;
  @ApiProperty({ format: 'date-time', example: AT }) openedAt!: string;
  @ApiProperty({ type: 'integer', example: 1, description: "The account stream's revision this view has applied" }) revision!: number;
  @ApiProperty({ format: 'date-time', example: AT }) updatedAt!: string;
}

export class TransactionBody implements Omit<TransactionRow, 'accountId'> {
  @ApiProperty({ type: 'integer', example: 1 }) revision!: number;
  @ApiProperty({ format: 'uuid', example: ID }) eventId!: string;
  @ApiProperty({ enum: ['deposit', 'withdrawal'], example: 'deposit' }) kind!: 'deposit' | 'withdrawal';
  @ApiProperty({ type: 'integer', example: 2500 }) amount!: number;
  @ApiProperty({ type: 'integer', example: 2500 }) balanceAfter!: number;
  @ApiProperty({ type: 'string', nullable: true, example: 'Salary, November' }) description!: string | null;
  @ApiProperty({ format: 'date-time', example: AT }) occurredAt!: string;
}

export class TransactionPage {
  @ApiProperty({ type: () => [TransactionBody], description: 'Oldest first' }) items!: TransactionBody[];
  @ApiProperty({ type: 'string', nullable: true, description: 'Pass as `cursor` for the next page; null on the last' }) nextCursor!: string | null;
}

export class LineItemBody implements OrderLineItem {
  @ApiProperty({ example: 'AZ-1042' }) sku!: string;
  @ApiProperty({ example: 'Espresso cups, set of 4' }) name!: string;
  @ApiProperty({ type: 'integer', example: 2 }) quantity!: number;
  @ApiProperty({ type: 'integer', example: 1990 }) unitPrice!: number;
}

export class StatusChangeBody implements StatusChange {
  @ApiProperty({ enum: ORDER_STATUSES, example: 'created' }) status!: (typeof ORDER_STATUSES)[number];
  @ApiProperty({ format: 'date-time', example: AT }) at!: string;
  @ApiProperty({ type: 'integer', example: 0 }) revision!: number;
}

export class OrderBody implements OrderHistoryRow {
  @ApiProperty({ format: 'uuid', example: ID }) orderId!: string;
  @ApiProperty({ example: SUBJECT, description: "The customer's subject" }) customerId!: string;
  @ApiProperty({ format: 'uuid', example: ID }) accountId!: string;
  @ApiProperty({ example: 'EUR' }) currency!: string;
  @ApiProperty({ type: () => [LineItemBody] }) items!: LineItemBody[];
  @ApiProperty({ type: 'integer', example: 3980 }) total!: number;
  @ApiProperty({ enum: ORDER_STATUSES, example: 'created' }) status!: (typeof ORDER_STATUSES)[number];
  @ApiProperty({ type: 'string', nullable: true, example: null }) cancelReason!: string | null;
  @ApiProperty({ format: 'date-time', example: AT }) createdAt!: string;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true, example: null }) cancelledAt!: string | null;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true, example: null }) shippedAt!: string | null;
  @ApiProperty({ type: () => [StatusChangeBody] }) statusHistory!: StatusChangeBody[];
  @ApiProperty({ type: 'integer', example: 0 }) revision!: number;
  @ApiProperty({ format: 'date-time', example: AT }) updatedAt!: string;
  @ApiProperty({ enum: PAYMENT_STATUSES, example: 'paid' }) paymentStatus!: (typeof PAYMENT_STATUSES)[number];
}

export class OrderPage {
  @ApiProperty({ type: () => [OrderBody], description: 'Newest first' }) items!: OrderBody[];
  @ApiProperty({ type: 'string', nullable: true, description: 'Pass as `cursor` for the next page; null on the last' }) nextCursor!: string | null;
}

export class OrderSearchHit extends OrderBody {
  @ApiProperty({ type: 'integer', example: 2, description: 'Items ordered, all lines together' }) itemCount!: number;
}

export class OrderSearchResultBody {
  @ApiProperty({ type: () => [OrderSearchHit] }) items!: OrderSearchHit[];
  @ApiProperty({ type: 'integer', example: 1, description: 'All matches (the status filter applied)' }) total!: number;
  @ApiProperty({ example: { created: 1, cancelled: 0, shipped: 0 }, description: 'Matches per status, without the status filter' })
  countsByStatus!: Record<string, number>;
  @ApiProperty({ type: 'string', nullable: true }) nextCursor!: string | null;
}
