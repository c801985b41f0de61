import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
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
