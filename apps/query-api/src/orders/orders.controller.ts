import { DocumentQuery, QUERY_ERRORS } from '../shared/query.docs.js';
import { OrderBody, OrderPage } from '../shared/views.docs.js';
import { Controller, Get, Param, Query } from '@nestjs/common';
import { Caller } from '#infra/auth/caller.decorator';
import type { Principal } from '#infra/auth/principal';
import { uuidParam } from '#infra/http/uuid-param.pipe';
import { CustomerIdPipe } from '../shared/params.js';
import { CustomerOrdersQueryDto } from '../shared/list-query.dto.js';
import { notFound } from '../shared/not-found.js';
import { OrderQueries, type OrderView } from './order.queries.js';

@Controller()
export class OrdersController {
  constructor(private readonly orders: OrderQueries) {}

  @DocumentQuery({
    tag: 'orders',
    summary: 'An order',
    description: 'Its items, status and payment status, and how its status changed.',
    reply: OrderBody,
    idParam: { name: 'id', description: 'The order', uuid: true },
    errors: [QUERY_ERRORS.notFound('Order')],
  })
  @Get('orders/:id')
  async order(@Caller() caller: Principal, @Param('id', uuidParam('id')) id: string): Promise<OrderView> {
    const order = await this.orders.byId(caller, id);
    if (!order) throw notFound('Order', id);
    return order;
  }

  @DocumentQuery({
    tag: 'orders',
    summary: "A customer's orders",
    description: "Newest first, a page at a time; a customer reads their own (`customerId` is their token's `sub`), an operator anyone's.",
    reply: OrderPage,
    idParam: { name: 'customerId', description: "The customer's subject", uuid: false },
    errors: [QUERY_ERRORS.notFound('Customer')],
  })
  @Get('customers/:customerId/orders')
  async customerOrders(@Caller() caller: Principal, @Param('customerId', new CustomerIdPipe()) customerId: string, @Query() query: CustomerOrdersQueryDto) {
    const orders = await this.orders.forCustomer(caller, customerId, query);
    if (!orders) throw notFound('Customer', customerId);
    return orders;
  }
}
