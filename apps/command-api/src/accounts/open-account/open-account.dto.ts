import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';
import { IsCurrencyCode } from '#infra/http/currency.validator';
import { IsNotBlank } from '#infra/http/not-blank.validator';

export class OpenAccountDto {
  @ApiProperty({ example: 'Alice Example', description: 'Who the account is for, as shown on statements' })
  @IsString()
  @IsNotBlank()
  @MaxLength(200)
  ownerName!: string;

  @IsString()
  @IsCurrencyCode()
  currency!: string;
}
