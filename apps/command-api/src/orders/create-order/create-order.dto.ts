import { ApiProperty } from '@nestjs/swagger';
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
  @ApiProperty({ example: 'AZ-1042' })
  @IsString()
  @IsNotBlank()
  @MaxLength(64)
  sku!: string;

  @ApiProperty({ example: 'Espresso cups, set of 4' })
  @IsString()
  @IsNotBlank()
  @MaxLength(200)
  name!: string;

  @ApiProperty({ example: 2 })
  @IsInt()
  @IsPositive()
  @Max(1_000_000)
  quantity!: number;

  @ApiProperty({ example: 1990, description: 'Minor units of the currency (cents)' })
  @IsInt({ message: 'unitPrice must be an integer number of minor units' })
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  unitPrice!: number;
}

export class CreateOrderDto {
  @ApiProperty({ description: "The caller's own id (the token's `sub`), or left out: the order is always the caller's" })
  @IsOptional()
  @IsString()
  @IsNotBlank()
  @MaxLength(100)
  customerId?: string;

  @ApiProperty({ example: '0b6f1c2e-4f7a-4d7e-9a43-3f0d8f1f2a10', description: 'An open account of the caller, which pays the order' })
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
