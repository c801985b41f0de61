import { DocumentQuery, QUERY_ERRORS } from '../shared/query.docs.js';
import { OrderSearchResultBody } from '../shared/views.docs.js';
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
  @DocumentQuery({
    tag: 'orders',
    summary: 'Search orders',
    description: 'Full text (`q`, simple_query_string syntax) over item names, SKUs and ids, with filters; a customer finds their own orders, an operator all. Counted in its own, tighter rate limit.',
    reply: OrderSearchResultBody,
    errors: [QUERY_ERRORS.searchUnavailable],
  })
  @Get('search')
  find(@Caller() caller: Principal, @Query() query: OrderSearchQueryDto): Promise<OrderSearchResult> {
    return this.search.search(caller, query);
  }
}
