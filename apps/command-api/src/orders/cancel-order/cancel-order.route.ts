import { COMMAND_ERRORS, DocumentCommand, CommandReplyBody } from '../../shared/command.docs.js';
import { Body, Controller, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { CommandResult } from '#eventsourcing';
import { FromRequest, type CommandContext } from '../../shared/command-context.js';
import { commandReply, type CommandReply } from '../../shared/command-reply.js';
import { uuidParam } from '#infra/http/uuid-param.pipe';
import { CancelOrderDto } from './cancel-order.dto.js';
import { CancelOrder } from './cancel-order.handler.js';

@Controller('orders')
export class CancelOrderRoute {
  constructor(private readonly commands: CommandBus) {}

  @DocumentCommand({
    tag: 'orders',
    summary: 'Cancel an order',
    description: "The order's customer cancels it before it ships; a paid order is refunded.",
    reply: CommandReplyBody,
    streamParam: { name: 'id', description: 'The order' },
    errors: [COMMAND_ERRORS.forbidden, COMMAND_ERRORS.ruleBroken('order_already_cancelled', 'The order is already cancelled')],
  })
  @Post(':id/cancel')
  async cancel(@Param('id', uuidParam('id')) id: string, @Body() body: CancelOrderDto, @FromRequest() context: CommandContext): Promise<CommandReply> {
    return commandReply(await this.commands.execute<CancelOrder, CommandResult>(new CancelOrder(id, body, context)));
  }
}
