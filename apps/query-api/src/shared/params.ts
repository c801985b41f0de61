import { BadRequestException, ParseUUIDPipe, type PipeTransform } from '@nestjs/common';

const invalid = (field: string, problem: string): BadRequestException =>
  new BadRequestException({ error: 'validation_failed', message: problem, fields: [{ field, problems: [problem] }] });

export const uuidParam = (name: string): ParseUUIDPipe => new ParseUUIDPipe({ exceptionFactory: () => invalid(name, `${name} must be a UUID`) });

export class CustomerIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (typeof value !== 'string' || value.length < 1 || value.length > 100) throw invalid('customerId', 'customerId must be 1 to 100 characters');
    return value;
  }
}
