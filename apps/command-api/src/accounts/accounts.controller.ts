import { Body, Controller, Headers, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { uuidParam } from '#infra/http/uuid-param.pipe';
import type { CommandResult } from '../shared/stream-executor.js';
import { newAggregateId, requestContext } from '../shared/request-context.js';
import { MoneyMovementDto, OpenAccountDto } from './account.dto.js';
import { MoveMoneyCommand, OpenAccountCommand } from './account.commands.js';

type HeaderMap = Record<string, string | undefined>;

@Controller('accounts')
export class AccountsController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  async open(@Body() body: OpenAccountDto, @Headers() headers: HeaderMap): Promise<CommandResult & { accountId: string }> {
    const accountId = newAggregateId(headers, 'account');
    const result = await this.commands.execute<OpenAccountCommand, CommandResult>(new OpenAccountCommand(accountId, body, requestContext(headers)));
    return { ...result, accountId };
  }

  @Post(':id/deposits')
  deposit(@Param('id', uuidParam('id')) id: string, @Body() body: MoneyMovementDto, @Headers() headers: HeaderMap): Promise<CommandResult> {
    return this.commands.execute(new MoveMoneyCommand('deposit', id, body, requestContext(headers)));
  }

  @Post(':id/withdrawals')
  withdraw(@Param('id', uuidParam('id')) id: string, @Body() body: MoneyMovementDto, @Headers() headers: HeaderMap): Promise<CommandResult> {
    return this.commands.execute(new MoveMoneyCommand('withdrawal', id, body, requestContext(headers)));
  }
}
