import { Module } from '@nestjs/common';
import { CancelOrderHandler } from './cancel-order/cancel-order.handler.js';
import { CancelOrderRoute } from './cancel-order/cancel-order.route.js';
import { CreateOrderHandler } from './create-order/create-order.handler.js';
import { CreateOrderRoute } from './create-order/create-order.route.js';
import { ShipOrderHandler } from './ship-order/ship-order.handler.js';
import { ShipOrderRoute } from './ship-order/ship-order.route.js';

/** The order use cases: create, cancel, ship (the payment saga sends its own, in the projector). */
@Module({
  controllers: [CreateOrderRoute, CancelOrderRoute, ShipOrderRoute],
  providers: [CreateOrderHandler, CancelOrderHandler, ShipOrderHandler],
})
export class OrdersModule {}
