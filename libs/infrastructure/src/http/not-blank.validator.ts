import { ValidateBy, type ValidationOptions } from 'class-validator';

/** A string with at least one character that is not white space. */
export const IsNotBlank = (options?: ValidationOptions): PropertyDecorator =>
  ValidateBy(
    {
      name: 'isNotBlank',
      validator: { validate: (value) => typeof value === 'string' && value.trim() !== '', defaultMessage: () => '$property must not be blank' },
    },
    options,
  );
