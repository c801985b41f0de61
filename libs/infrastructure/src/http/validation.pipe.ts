import { BadRequestException, ValidationPipe, type ValidationError } from '@nestjs/common';

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

/** The 400 for one bad field or parameter, shaped like the validation pipe's. */
export const invalidField = (field: string, problem: string): BadRequestException =>
  new BadRequestException({ error: 'validation_failed', message: problem, fields: [{ field, problems: [problem] }] });

/** Bodies and queries: unknown fields are refused, values are transformed to the DTO's types. */
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
