import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { accountStreamId } from '#events';
import { accountDecider } from '#domain';
import type { CommandResult } from '#eventsourcing';
import { WritePath } from '#infra/nest/write-path';
import { decided, type CommandContext } from '../../shared/command-context.js';
import type { OpenAccountDto } from './open-account.dto.js';

export class OpenAccount {
  constructor(
    readonly accountId: string,
    readonly body: OpenAccountDto,
    readonly context: CommandContext,
  ) {}
}

@CommandHandler(OpenAccount)
export class OpenAccountHandler implements ICommandHandler<OpenAccount, CommandResult> {
  constructor(private readonly writes: WritePath) {}

  execute({ accountId, body, context }: OpenAccount): Promise<CommandResult> {
    const { ownerName, currency } = body;
    return this.writes.handle(accountDecider, accountStreamId(accountId), { type: 'OpenAccount', data: { accountId, ownerName, currency }, metadata: decided(context) }, context);
  }
}
