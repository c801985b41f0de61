import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { accountStreamId } from '#events';
import { accountDecider, type AccountCommand } from '#domain';
import { StreamExecutor, type CommandResult } from '../shared/stream-executor.js';
import { MoveMoneyCommand, OpenAccountCommand } from './account.commands.js';

@CommandHandler(OpenAccountCommand)
export class OpenAccountHandler implements ICommandHandler<OpenAccountCommand, CommandResult> {
  constructor(private readonly executor: StreamExecutor) {}

  execute({ accountId, body, context }: OpenAccountCommand): Promise<CommandResult> {
    const command: AccountCommand = {
      type: 'OpenAccount',
      data: { accountId, ownerName: body.ownerName, currency: body.currency },
      metadata: { now: new Date().toISOString() },
    };
    return this.executor.execute(accountDecider, accountStreamId(accountId), command, context);
  }
}

@CommandHandler(MoveMoneyCommand)
export class MoveMoneyHandler implements ICommandHandler<MoveMoneyCommand, CommandResult> {
  constructor(private readonly executor: StreamExecutor) {}

  execute({ direction, accountId, body, context }: MoveMoneyCommand): Promise<CommandResult> {
    const data = { accountId, amount: body.amount, currency: body.currency, ...(body.description === undefined ? {} : { description: body.description }) };
    const metadata = { now: new Date().toISOString() };
    const command: AccountCommand =
      direction === 'deposit' ? { type: 'DepositMoney', data, metadata } : { type: 'WithdrawMoney', data, metadata };
    return this.executor.execute(accountDecider, accountStreamId(accountId), command, context);
  }
}
