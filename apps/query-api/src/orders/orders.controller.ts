import { Controller, Get, NotFoundException, Param, Query } from '@nestjs/common';
import { uuidParam } from '#infra/http/uuid-param.pipe';
import { CustomerIdPipe } from '../shared/params.js';
import { CustomerOrdersQueryDto } from '../shared/list-query.dto.js';
import { OrderQueries, type OrderView } from './order.queries.js';

@Controller()
export class OrdersController {
  constructor(private readonly orders: OrderQueries) {}

  @Get('orders/:id')
  async order(@Param('id', uuidParam('id')) id: string): Promise<OrderView> {
    const order = await this.orders.byId(id);
    if (!order) throw new NotFoundException({ error: 'not_found', message: `Order ${id} is not known (yet)` });
    return order;
  }

  @Get('customers/:customerId/orders')
  customerOrders(@Param('customerId', new CustomerIdPipe()) customerId: string, @Query() query: CustomerOrdersQueryDto) {
    return this.orders.forCustomer(customerId, query);
  }
}
