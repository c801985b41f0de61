import { Controller, Get, Query } from '@nestjs/common';
import { OrderSearchService, type OrderSearchResult } from './order-search.service.js';
import { OrderSearchQueryDto } from './search-query.dto.js';

@Controller('orders')
export class SearchController {
  constructor(private readonly search: OrderSearchService) {}

  /** Registered before `GET /orders/:id`, so "search" is never taken for an order id. */
  @Get('search')
  find(@Query() query: OrderSearchQueryDto): Promise<OrderSearchResult> {
    return this.search.search(query);
  }
}
