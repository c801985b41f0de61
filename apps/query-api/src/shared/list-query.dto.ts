import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

export class PageQueryDto {
  @ApiProperty({ description: 'Items per page (20 when left out)', example: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be an integer between 1 and 100' })
  @Min(1)
  @Max(100)
  limit?: number;

  @ApiProperty({ description: "The previous page's `nextCursor`" })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  cursor?: string;
}

export const ORDER_STATUSES = ['created', 'cancelled', 'shipped'] as const;

export class CustomerOrdersQueryDto extends PageQueryDto {
  @IsOptional()
  @IsIn(ORDER_STATUSES, { message: `status must be one of ${ORDER_STATUSES.join(', ')}` })
  status?: (typeof ORDER_STATUSES)[number];
}

export const DEFAULT_PAGE_SIZE = 20;
