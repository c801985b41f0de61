import type { RequestContext } from '../shared/request-context.js';
import type { CancelOrderDto, CreateOrderDto } from './order.dto.js';

export class CreateOrderCommand {
  constructor(
    readonly orderId: string,
    readonly body: CreateOrderDto,
    readonly context: RequestContext,
  ) {}
}

export class CancelOrderCommand {
  constructor(
    readonly orderId: string,
    readonly body: CancelOrderDto,
    readonly context: RequestContext,
  ) {}
}

export class ShipOrderCommand {
  constructor(
    readonly orderId: string,
    readonly context: RequestContext,
  ) {}
}
