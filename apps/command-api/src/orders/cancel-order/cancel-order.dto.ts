import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';
import { IsNotBlank } from '#infra/http/not-blank.validator';

export class CancelOrderDto {
  @ApiProperty({ example: 'Ordered by mistake' })
  @IsString()
  @IsNotBlank()
  @MaxLength(500)
  reason!: string;
}
