import { IsNotEmpty, IsString, Matches, MaxLength } from 'class-validator';

export class OpenAccountDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  ownerName!: string;

  @IsString()
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO-4217 code of three capital letters' })
  currency!: string;
}
