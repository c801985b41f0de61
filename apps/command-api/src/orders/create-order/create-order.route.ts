import { Body, Controller, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { CommandResult } from '#eventsourcing';
import { newAggregateId } from '../../idempotency/aggregate-id.js';
import { FromRequest, type CommandContext } from '../../shared/command-context.js';
import { commandReply, type CommandReply } from '../../shared/command-reply.js';
import { CreateOrderDto } from './create-order.dto.js';
import { CreateOrder } from './create-order.handler.js';

@Controller('orders')
export class CreateOrderRoute {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  async create(@Body() body: CreateOrderDto, @FromRequest() context: CommandContext): Promise<CommandReply & { orderId: string }> {
    const orderId = newAggregateId(context, 'order');
    const result = await this.commands.execute<CreateOrder, CommandResult>(new CreateOrder(orderId, body, context));
    return { ...commandReply(result), orderId };
  }
}
