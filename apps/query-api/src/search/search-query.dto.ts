import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import { ORDER_STATUSES, PageQueryDto } from '../shared/list-query.dto.js';

export const SEARCH_SORTS = ['relevance', 'newest', 'oldest', 'total_desc', 'total_asc'] as const;
export type SearchSort = (typeof SEARCH_SORTS)[number];

/** Also `limit` (1..100) and `cursor` (a search_after key), from PageQueryDto. */
export class OrderSearchQueryDto extends PageQueryDto {
  @ApiProperty({ description: 'Full text over item names, SKUs, order and customer ids (simple_query_string syntax)', example: 'espresso' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200, { message: 'q must be at most 200 characters' })
  q?: string;

  @IsOptional()
  @IsIn(ORDER_STATUSES, { message: `status must be one of ${ORDER_STATUSES.join(', ')}` })
  status?: (typeof ORDER_STATUSES)[number];

  @IsOptional()
  @IsString()
  @MaxLength(100)
  customerId?: string;

  @ApiProperty({ description: 'Minor units of the currency' })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'minTotal must be an integer number of minor units' })
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  minTotal?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'maxTotal must be an integer number of minor units' })
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  maxTotal?: number;

  @ApiProperty({ description: 'ISO-8601 date or instant', example: '2026-11-01' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'createdFrom must be an ISO-8601 date or instant' })
  createdFrom?: string;

  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'createdTo must be an ISO-8601 date or instant' })
  createdTo?: string;

  @ApiProperty({ description: 'relevance when `q` is given, else newest' })
  @IsOptional()
  @IsIn(SEARCH_SORTS, { message: `sort must be one of ${SEARCH_SORTS.join(', ')}` })
  sort?: SearchSort;
}
