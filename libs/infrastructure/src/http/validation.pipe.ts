import { BadRequestException, ValidationPipe, type ArgumentMetadata, type ValidationError } from '@nestjs/common';
import { plainInputProblems } from './plain-input.check.js';

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

/** The 400 for the fields at fault, e.g. `Invalid request: currency, items.1.quantity`. */
export const validationFailed = (fields: FieldProblem[]): BadRequestException =>
  new BadRequestException({ error: 'validation_failed', message: `Invalid request: ${fields.map((f) => f.field).join(', ')}`, fields });

/** Checks what class-validator cannot see (plainInputProblems) before it validates. */
class PlainInputValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type !== 'custom') {
      const problems = plainInputProblems(value, metadata.data ?? '');
      if (problems.length > 0) throw validationFailed(problems);
    }
    return super.transform(value, metadata);
  }
}

/**
 * Bodies, queries and parameters: unknown fields and control characters are refused, values are
 * transformed to the DTO's types.
 */
export const validationPipe = (): ValidationPipe =>
  new PlainInputValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => validationFailed(fieldProblems(errors)),
  });
