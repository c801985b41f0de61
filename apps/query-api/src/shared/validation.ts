import { BadRequestException, ValidationPipe, type ValidationError } from '@nestjs/common';

const fields = (errors: readonly ValidationError[]): { field: string; problems: string[] }[] =>
  errors.map((e) => ({ field: e.property, problems: Object.values(e.constraints ?? {}) }));

export const validationPipe = (): ValidationPipe =>
  new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => {
      const list = fields(errors);
      return new BadRequestException({ error: 'validation_failed', message: `Invalid request: ${list.map((f) => f.field).join(', ')}`, fields: list });
    },
  });
