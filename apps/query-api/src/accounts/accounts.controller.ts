import { DocumentQuery, QUERY_ERRORS } from '../shared/query.docs.js';
import { AccountBody, TransactionPage } from '../shared/views.docs.js';
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

  @DocumentQuery({
    tag: 'accounts',
    summary: 'An account and its balance',
    description: 'The owner and operators read it.',
    reply: AccountBody,
    idParam: { name: 'id', description: 'The account', uuid: true },
    errors: [QUERY_ERRORS.notFound('Account')],
  })
  @Get(':id')
  async account(@Caller() caller: Principal, @Param('id', uuidParam('id')) id: string): Promise<AccountView> {
    const account = await this.accounts.byId(caller, id);
    if (!account) throw notFound('Account', id);
    return account;
  }

  @DocumentQuery({
    tag: 'accounts',
    summary: "An account's statement",
    description: 'Deposits and withdrawals, oldest first, each with the balance after it; a page at a time (`limit`, `cursor`).',
    reply: TransactionPage,
    idParam: { name: 'id', description: 'The account', uuid: true },
    errors: [QUERY_ERRORS.notFound('Account')],
  })
  @Get(':id/transactions')
  async transactions(@Caller() caller: Principal, @Param('id', uuidParam('id')) id: string, @Query() query: PageQueryDto) {
    const statement = await this.accounts.transactions(caller, id, query);
    if (!statement) throw notFound('Account', id);
    return statement;
  }
}
