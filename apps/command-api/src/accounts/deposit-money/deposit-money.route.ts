import { COMMAND_ERRORS, DocumentCommand, CommandReplyBody } from '../../shared/command.docs.js';
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

  @DocumentCommand({
    tag: 'accounts',
    summary: 'Deposit money',
    description: 'The owner tops up their account (an operator, any account), in its currency.',
    reply: CommandReplyBody,
    streamParam: { name: 'id', description: 'The account' },
    errors: [COMMAND_ERRORS.forbidden, COMMAND_ERRORS.ruleBroken('currency_mismatch', 'Account 0b6f1c2e-4f7a-4d7e-9a43-3f0d8f1f2a10 holds EUR, not USD')],
  })
  @Post(':id/deposits')
  async deposit(@Param('id', uuidParam('id')) id: string, @Body() body: MoneyMovementDto, @FromRequest() context: CommandContext): Promise<CommandReply> {
    return commandReply(await this.commands.execute<DepositMoney, CommandResult>(new DepositMoney(id, body, context)));
  }
}
