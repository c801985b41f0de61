import { Controller, Get, Query } from '@nestjs/common';
import { Caller } from '#infra/auth/caller.decorator';
import type { Principal } from '#infra/auth/principal';
import { RateLimit } from '#infra/http/rate-limit.decorators';
import { OrderSearchService, type OrderSearchResult } from './order-search.service.js';
import { OrderSearchQueryDto } from './search-query.dto.js';

/** Searches cost Elasticsearch more than reads by id: their own, tighter limit. */
@RateLimit('searches')
@Controller('orders')
export class SearchController {
  constructor(private readonly search: OrderSearchService) {}

  /** Registered before `GET /orders/:id`, so "search" is never taken for an order id. */
  @Get('search')
  find(@Caller() caller: Principal, @Query() query: OrderSearchQueryDto): Promise<OrderSearchResult> {
    return this.search.search(caller, query);
  }
}
