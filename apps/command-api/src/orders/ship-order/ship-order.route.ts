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

  @Post(':id/ship')
  async ship(@Param('id', uuidParam('id')) id: string, @Body() _body: ShipOrderDto, @FromRequest() context: CommandContext): Promise<CommandReply> {
    return commandReply(await this.commands.execute<ShipOrder, CommandResult>(new ShipOrder(id, context)));
  }
}
