import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsInt,
  IsOptional,
  IsPositive,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsCurrencyCode } from '#infra/http/currency.validator';
import { IsNotBlank } from '#infra/http/not-blank.validator';

export class LineItemDto {
  @IsString()
  @IsNotBlank()
  @MaxLength(64)
  sku!: string;

  @IsString()
  @IsNotBlank()
  @MaxLength(200)
  name!: string;

  @IsInt()
  @IsPositive()
  @Max(1_000_000)
  quantity!: number;

  @IsInt({ message: 'unitPrice must be an integer number of minor units' })
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  unitPrice!: number;
}

export class CreateOrderDto {
  /** The caller's own id (the token's subject), or left out: the order is always the caller's. */
  @IsOptional()
  @IsString()
  @IsNotBlank()
  @MaxLength(100)
  customerId?: string;

  @IsUUID()
  accountId!: string;

  @IsString()
  @IsCurrencyCode()
  currency!: string;

  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => LineItemDto)
  items!: LineItemDto[];
}
