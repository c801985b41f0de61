import { Body, Controller, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { CommandResult } from '#eventsourcing';
import { FromRequest, type CommandContext } from '../../shared/command-context.js';
import { commandReply, type CommandReply } from '../../shared/command-reply.js';
import { uuidParam } from '#infra/http/uuid-param.pipe';
import { MoneyMovementDto } from '../money-movement.dto.js';
import { DepositMoney } from './deposit-money.handler.js';

@Controller('accounts')
export class DepositMoneyRoute {
  constructor(private readonly commands: CommandBus) {}

  @Post(':id/deposits')
  async deposit(@Param('id', uuidParam('id')) id: string, @Body() body: MoneyMovementDto, @FromRequest() context: CommandContext): Promise<CommandReply> {
    return commandReply(await this.commands.execute<DepositMoney, CommandResult>(new DepositMoney(id, body, context)));
  }
}
