import { ValidateBy, type ValidationOptions } from 'class-validator';

/** The rule as JSON Schema, for the API description: some character other than white space. */
export const NOT_BLANK_SCHEMA = { type: 'string', pattern: '\\S' } as const;

/** A string with at least one character that is not white space. */
export const IsNotBlank = (options?: ValidationOptions): PropertyDecorator =>
  ValidateBy(
    {
      name: 'isNotBlank',
      validator: { validate: (value) => typeof value === 'string' && value.trim() !== '', defaultMessage: () => '$property must not be blank' },
    },
    options,
  );
