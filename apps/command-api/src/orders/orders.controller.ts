import { Body, Controller, Headers, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { uuidParam } from '#infra/http/uuid-param.pipe';
import type { CommandResult } from '../shared/stream-executor.js';
import { newAggregateId, requestContext } from '../shared/request-context.js';
import { CancelOrderDto, CreateOrderDto, ShipOrderDto } from './order.dto.js';
import { CancelOrderCommand, CreateOrderCommand, ShipOrderCommand } from './order.commands.js';

type HeaderMap = Record<string, string | undefined>;

@Controller('orders')
export class OrdersController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  async create(@Body() body: CreateOrderDto, @Headers() headers: HeaderMap): Promise<CommandResult & { orderId: string }> {
    const orderId = newAggregateId(headers, 'order');
    const result = await this.commands.execute<CreateOrderCommand, CommandResult>(new CreateOrderCommand(orderId, body, requestContext(headers)));
    return { ...result, orderId };
  }

  @Post(':id/cancel')
  cancel(@Param('id', uuidParam('id')) id: string, @Body() body: CancelOrderDto, @Headers() headers: HeaderMap): Promise<CommandResult> {
    return this.commands.execute(new CancelOrderCommand(id, body, requestContext(headers)));
  }

  @Post(':id/ship')
  ship(@Param('id', uuidParam('id')) id: string, @Body() _body: ShipOrderDto, @Headers() headers: HeaderMap): Promise<CommandResult> {
    return this.commands.execute(new ShipOrderCommand(id, requestContext(headers)));
  }
}
