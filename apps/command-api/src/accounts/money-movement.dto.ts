import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsOptional, IsPositive, IsString, Max, MaxLength } from 'class-validator';
import { IsCurrencyCode } from '#infra/http/currency.validator';

/** The body of a deposit and of a withdrawal. */
export class MoneyMovementDto {
  @ApiProperty({ example: 2500, description: 'Minor units of the currency (cents): 2500 is 25.00' })
  @IsInt({ message: 'amount must be an integer number of minor units' })
  @IsPositive()
  @Max(Number.MAX_SAFE_INTEGER)
  amount!: number;

  @ApiProperty({ description: "The account's currency" })
  @IsString()
  @IsCurrencyCode()
  currency!: string;

  @ApiProperty({ example: 'Salary, November' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string;
}

/** The domain command's data for a deposit or a withdrawal (no `description` key when none was sent). */
export const movementData = (accountId: string, { amount, currency, description }: MoneyMovementDto): { accountId: string; amount: number; currency: string; description?: string } => ({
  accountId,
  amount,
  currency,
  ...(description === undefined ? {} : { description }),
});
