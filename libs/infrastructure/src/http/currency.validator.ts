import { ValidateBy, type ValidationOptions } from 'class-validator';
import { CURRENCY_CODE_PATTERN, isCurrencyCode } from '#events';

/** The rule as JSON Schema, for the API description. */
export const CURRENCY_CODE_SCHEMA = { type: 'string', pattern: CURRENCY_CODE_PATTERN.source, example: 'EUR' } as const;

/** An ISO-4217 code (`EUR`), as the event contracts define it. */
export const IsCurrencyCode = (options?: ValidationOptions): PropertyDecorator =>
  ValidateBy(
    {
      name: 'isCurrencyCode',
      validator: { validate: (value) => isCurrencyCode(value), defaultMessage: () => '$property must be an ISO-4217 code of three capital letters' },
    },
    options,
  );
