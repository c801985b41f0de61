import 'reflect-metadata';
import { BadRequestException } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsInt, IsString, ValidateNested } from 'class-validator';
import { IsCurrencyCode } from './currency.validator.js';
import { validationPipe } from './validation.pipe.js';

class Line {
  @IsInt()
  quantity!: number;
}

class Order {
  @IsString()
  @IsCurrencyCode()
  currency!: string;

  @ValidateNested({ each: true })
  @Type(() => Line)
  items!: Line[];
}

const refusal = async (body: unknown): Promise<unknown> => {
  try {
    await validationPipe().transform(body, { type: 'body', metatype: Order });
  } catch (error) {
    if (error instanceof BadRequestException) return error.getResponse();
    throw error;
  }
  throw new Error('accepted');
};

describe('validation pipe', () => {
  it('names nested fields by their path and checks currencies against the event contracts', async () => {
    expect(await refusal({ currency: 'eur', items: [{ quantity: 1 }, { quantity: 'two' }] })).toEqual({
      error: 'validation_failed',
      message: 'Invalid request: currency, items.1.quantity',
      fields: [
        { field: 'currency', problems: ['currency must be an ISO-4217 code of three capital letters'] },
        { field: 'items.1.quantity', problems: ['quantity must be an integer number'] },
      ],
    });
  });

  it('refuses unknown fields', async () => {
    expect(await refusal({ currency: 'EUR', items: [], admin: true })).toMatchObject({ fields: [{ field: 'admin' }] });
  });
});
