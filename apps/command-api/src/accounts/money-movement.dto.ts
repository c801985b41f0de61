import { IsInt, IsOptional, IsPositive, IsString, Matches, Max, MaxLength } from 'class-validator';

/** The body of a deposit and of a withdrawal. */
export class MoneyMovementDto {
  @IsInt({ message: 'amount must be an integer number of minor units' })
  @IsPositive()
  @Max(Number.MAX_SAFE_INTEGER)
  amount!: number;

  @IsString()
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO-4217 code of three capital letters' })
  currency!: string;

  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string;
}
