import { ValidateBy, type ValidationOptions } from 'class-validator';
import { isCurrencyCode } from '#events';

/** An ISO-4217 code (`EUR`), as the event contracts define it. */
export const IsCurrencyCode = (options?: ValidationOptions): PropertyDecorator =>
  ValidateBy(
    {
      name: 'isCurrencyCode',
      validator: { validate: (value) => isCurrencyCode(value), defaultMessage: () => '$property must be an ISO-4217 code of three capital letters' },
    },
    options,
  );
