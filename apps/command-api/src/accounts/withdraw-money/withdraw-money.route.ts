import { COMMAND_ERRORS, DocumentCommand, CommandReplyBody } from '../../shared/command.docs.js';
import { Body, Controller, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { CommandResult } from '#eventsourcing';
import { FromRequest, type CommandContext } from '../../shared/command-context.js';
import { commandReply, type CommandReply } from '../../shared/command-reply.js';
import { uuidParam } from '#infra/http/uuid-param.pipe';
import { MoneyMovementDto } from '../money-movement.dto.js';
import { WithdrawMoney } from './withdraw-money.handler.js';

@Controller('accounts')
export class WithdrawMoneyRoute {
  constructor(private readonly commands: CommandBus) {}

  @DocumentCommand({
    tag: 'accounts',
    summary: 'Withdraw money',
    description: 'The owner takes money out of their account; never below zero.',
    reply: CommandReplyBody,
    streamParam: { name: 'id', description: 'The account' },
    errors: [COMMAND_ERRORS.forbidden, COMMAND_ERRORS.ruleBroken('insufficient_funds', 'Account 0b6f1c2e-4f7a-4d7e-9a43-3f0d8f1f2a10 has 100, cannot withdraw 500')],
  })
  @Post(':id/withdrawals')
  async withdraw(@Param('id', uuidParam('id')) id: string, @Body() body: MoneyMovementDto, @FromRequest() context: CommandContext): Promise<CommandReply> {
    return commandReply(await this.commands.execute<WithdrawMoney, CommandResult>(new WithdrawMoney(id, body, context)));
  }
}
