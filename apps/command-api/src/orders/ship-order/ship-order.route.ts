import { COMMAND_ERRORS, DocumentCommand, CommandReplyBody } from '../../shared/command.docs.js';
import { Body, Controller, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { CommandResult } from '#eventsourcing';
import { FromRequest, type CommandContext } from '../../shared/command-context.js';
import { commandReply, type CommandReply } from '../../shared/command-reply.js';
import { uuidParam } from '#infra/http/uuid-param.pipe';
import { ShipOrderDto } from './ship-order.dto.js';
import { ShipOrder } from './ship-order.handler.js';

@Controller('orders')
export class ShipOrderRoute {
  constructor(private readonly commands: CommandBus) {}

  @DocumentCommand({
    tag: 'orders',
    summary: 'Ship an order',
    description: 'An operator ships a paid order. The body is empty (or `{}`).',
    reply: CommandReplyBody,
    streamParam: { name: 'id', description: 'The order' },
    emptyBody: true,
    errors: [COMMAND_ERRORS.forbidden, COMMAND_ERRORS.ruleBroken('order_not_paid', 'An order ships once it is paid')],
  })
  @Post(':id/ship')
  async ship(@Param('id', uuidParam('id')) id: string, @Body() _body: ShipOrderDto, @FromRequest() context: CommandContext): Promise<CommandReply> {
    return commandReply(await this.commands.execute<ShipOrder, CommandResult>(new ShipOrder(id, context)));
  }
}
