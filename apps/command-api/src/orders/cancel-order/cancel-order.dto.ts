import { IsString, MaxLength } from 'class-validator';
import { IsNotBlank } from '#infra/http/not-blank.validator';

export class CancelOrderDto {
  @IsString()
  @IsNotBlank()
  @MaxLength(500)
  reason!: string;
}
