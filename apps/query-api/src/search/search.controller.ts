import { Controller, Get, Query } from '@nestjs/common';
import { Caller } from '#infra/auth/caller.decorator';
import type { Principal } from '#infra/auth/principal';
import { OrderSearchService, type OrderSearchResult } from './order-search.service.js';
import { OrderSearchQueryDto } from './search-query.dto.js';

@Controller('orders')
export class SearchController {
  constructor(private readonly search: OrderSearchService) {}

  /** Registered before `GET /orders/:id`, so "search" is never taken for an order id. */
  @Get('search')
  find(@Caller() caller: Principal, @Query() query: OrderSearchQueryDto): Promise<OrderSearchResult> {
    return this.search.search(caller, query);
  }
}
