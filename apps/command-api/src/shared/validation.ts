import { BadRequestException, ParseUUIDPipe, ValidationPipe, type ValidationError } from '@nestjs/common';

export interface FieldProblem {
  readonly field: string;
  readonly problems: string[];
}

/** Flattens nested class-validator errors into `items.0.quantity: must be ...` entries. */
export const fieldProblems = (errors: readonly ValidationError[], prefix = ''): FieldProblem[] =>
  errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const own = e.constraints ? [{ field, problems: Object.values(e.constraints) }] : [];
    return [...own, ...fieldProblems(e.children ?? [], field)];
  });

export const validationPipe = (): ValidationPipe =>
  new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => {
      const fields = fieldProblems(errors);
      return new BadRequestException({
        error: 'validation_failed',
        message: `Invalid request: ${fields.map((f) => f.field).join(', ')}`,
        fields,
      });
    },
  });

/** A path id that must be a UUID; the 400 names the parameter. */
export const uuidParam = (name: string): ParseUUIDPipe =>
  new ParseUUIDPipe({
    exceptionFactory: () =>
      new BadRequestException({ error: 'validation_failed', message: `${name} must be a UUID`, fields: [{ field: name, problems: [`${name} must be a UUID`] }] }),
  });
