import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { accountStreamId } from '#events';
import { accountDecider } from '#domain';
import type { CommandResult } from '#eventsourcing';
import { WritePath } from '#infra/nest/write-path';
import { decided, type CommandContext } from '../../shared/command-context.js';
import { movementData, type MoneyMovementDto } from '../money-movement.dto.js';

export class DepositMoney {
  constructor(
    readonly accountId: string,
    readonly body: MoneyMovementDto,
    readonly context: CommandContext,
  ) {}
}

@CommandHandler(DepositMoney)
export class DepositMoneyHandler implements ICommandHandler<DepositMoney, CommandResult> {
  constructor(private readonly writes: WritePath) {}

  execute({ accountId, body, context }: DepositMoney): Promise<CommandResult> {
    return this.writes.handle(accountDecider, accountStreamId(accountId), { type: 'DepositMoney', data: movementData(accountId, body), metadata: decided(context) }, context);
  }
}
