import { IsInt, IsNotEmpty, IsOptional, IsPositive, IsString, Max, MaxLength } from 'class-validator';
import { IsCurrencyCode } from '#infra/http/currency.validator';

export class OpenAccountDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  ownerName!: string;

  @IsString()
  @IsCurrencyCode()
  currency!: string;
}

export class MoneyMovementDto {
  @IsInt({ message: 'amount must be an integer number of minor units' })
  @IsPositive()
  @Max(Number.MAX_SAFE_INTEGER)
  amount!: number;

  @IsString()
  @IsCurrencyCode()
  currency!: string;

  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string;
}
