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

  it('refuses unknown fields named __proto__ or constructor, which class-transformer drops silently', async () => {
    expect(await refusal(JSON.parse('{"currency":"EUR","items":[{"quantity":1,"__proto__":{}}],"constructor":1}'))).toEqual({
      error: 'validation_failed',
      message: 'Invalid request: items.0.__proto__, constructor',
      fields: [
        { field: 'items.0.__proto__', problems: ['property __proto__ should not exist'] },
        { field: 'constructor', problems: ['property constructor should not exist'] },
      ],
    });
  });

  it.each(['0000', '0001', '000b', '001f', '007f'])('refuses U+%s in any string, known field or not', async (code) => {
    const control = String.fromCharCode(parseInt(code, 16));
    expect(await refusal({ currency: `EUR${control}`, items: [{ quantity: 1, note: [control] }] })).toMatchObject({
      fields: [
        { field: 'currency', problems: ['currency must not contain control characters other than tab, line feed and carriage return'] },
        { field: 'items.0.note.0', problems: [expect.stringContaining('control characters')] },
      ],
    });
  });

  it('checks path parameters too, and leaves custom decorators alone', async () => {
    const pipe = validationPipe();
    await expect(pipe.transform('c\u0000', { type: 'param', data: 'customerId', metatype: String })).rejects.toMatchObject({
      response: { fields: [{ field: 'customerId' }] },
    });
    expect(await pipe.transform('c\u0000', { type: 'custom', metatype: String })).toBe('c\u0000');
  });
});
