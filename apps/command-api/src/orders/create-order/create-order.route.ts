import { COMMAND_ERRORS, DocumentCommand, OrderCreatedBody } from '../../shared/command.docs.js';
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

  @DocumentCommand({
    tag: 'orders',
    summary: 'Place an order',
    description: "A customer orders from an account of their own; the payment saga then withdraws the total (or cancels the order). `customerId`, if sent, must be the caller's own id.",
    reply: OrderCreatedBody,
    errors: [
      COMMAND_ERRORS.invalidCommand,
      COMMAND_ERRORS.customerMismatch,
      COMMAND_ERRORS.ruleBroken('unknown_account', 'accountId 0b6f1c2e-4f7a-4d7e-9a43-3f0d8f1f2a10 is not an open account of yours'),
    ],
  })
  @Post()
  async create(@Body() body: CreateOrderDto, @FromRequest() context: CommandContext): Promise<CommandReply & { orderId: string }> {
    const orderId = newAggregateId(context, 'order');
    const result = await this.commands.execute<CreateOrder, CommandResult>(new CreateOrder(orderId, body, context));
    return { ...commandReply(result), orderId };
  }
}
