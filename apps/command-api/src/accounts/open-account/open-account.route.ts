import { COMMAND_ERRORS, DocumentCommand, AccountOpenedBody } from '../../shared/command.docs.js';
import { Body, Controller, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { CommandResult } from '#eventsourcing';
import { newAggregateId } from '../../idempotency/aggregate-id.js';
import { FromRequest, type CommandContext } from '../../shared/command-context.js';
import { commandReply, type CommandReply } from '../../shared/command-reply.js';
import { OpenAccountDto } from './open-account.dto.js';
import { OpenAccount } from './open-account.handler.js';

@Controller('accounts')
export class OpenAccountRoute {
  constructor(private readonly commands: CommandBus) {}

  @DocumentCommand({
    tag: 'accounts',
    summary: 'Open an account',
    description: "A customer opens an account of their own in one currency; its id is in the answer. The caller's token names the owner.",
    reply: AccountOpenedBody,
    errors: [COMMAND_ERRORS.forbidden],
  })
  @Post()
  async open(@Body() body: OpenAccountDto, @FromRequest() context: CommandContext): Promise<CommandReply & { accountId: string }> {
    const accountId = newAggregateId(context, 'account');
    const result = await this.commands.execute<OpenAccount, CommandResult>(new OpenAccount(accountId, body, context));
    return { ...commandReply(result), accountId };
  }
}
