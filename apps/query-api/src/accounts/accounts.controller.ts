import { Controller, Get, NotFoundException, Param, Query } from '@nestjs/common';
import { uuidParam } from '#infra/http/uuid-param.pipe';
import { PageQueryDto } from '../shared/list-query.dto.js';
import { AccountQueries, type AccountView } from './account.queries.js';

@Controller('accounts')
export class AccountsController {
  constructor(private readonly accounts: AccountQueries) {}

  @Get(':id')
  async account(@Param('id', uuidParam('id')) id: string): Promise<AccountView> {
    const account = await this.accounts.byId(id);
    if (!account) throw new NotFoundException({ error: 'not_found', message: `Account ${id} is not known (yet)` });
    return account;
  }

  @Get(':id/transactions')
  async transactions(@Param('id', uuidParam('id')) id: string, @Query() query: PageQueryDto) {
    if (!(await this.accounts.byId(id))) throw new NotFoundException({ error: 'not_found', message: `Account ${id} is not known (yet)` });
    return this.accounts.transactions(id, query);
  }
}
