import { Controller, Get, Param, Query } from '@nestjs/common';
import { Caller } from '#infra/auth/caller.decorator';
import type { Principal } from '#infra/auth/principal';
import { uuidParam } from '#infra/http/uuid-param.pipe';
import { PageQueryDto } from '../shared/list-query.dto.js';
import { notFound } from '../shared/not-found.js';
import { AccountQueries, type AccountView } from './account.queries.js';

@Controller('accounts')
export class AccountsController {
  constructor(private readonly accounts: AccountQueries) {}

  @Get(':id')
  async account(@Caller() caller: Principal, @Param('id', uuidParam('id')) id: string): Promise<AccountView> {
    const account = await this.accounts.byId(caller, id);
    if (!account) throw notFound('Account', id);
    return account;
  }

  @Get(':id/transactions')
  async transactions(@Caller() caller: Principal, @Param('id', uuidParam('id')) id: string, @Query() query: PageQueryDto) {
    const statement = await this.accounts.transactions(caller, id, query);
    if (!statement) throw notFound('Account', id);
    return statement;
  }
}
