import { IsInt, IsNotEmpty, IsOptional, IsPositive, IsString, Matches, Max, MaxLength } from 'class-validator';

const CURRENCY = /^[A-Z]{3}$/;
const CURRENCY_MESSAGE = 'currency must be an ISO-4217 code of three capital letters';

export class OpenAccountDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  ownerName!: string;

  @IsString()
  @Matches(CURRENCY, { message: CURRENCY_MESSAGE })
  currency!: string;
}

export class MoneyMovementDto {
  @IsInt({ message: 'amount must be an integer number of minor units' })
  @IsPositive()
  @Max(Number.MAX_SAFE_INTEGER)
  amount!: number;

  @IsString()
  @Matches(CURRENCY, { message: CURRENCY_MESSAGE })
  currency!: string;

  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string;
}
