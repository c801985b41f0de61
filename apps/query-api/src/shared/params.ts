import type { PipeTransform } from '@nestjs/common';
import { invalidField } from '#infra/http/validation.pipe';

export class CustomerIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (typeof value !== 'string' || value.length < 1 || value.length > 100) throw invalidField('customerId', 'customerId must be 1 to 100 characters');
    return value;
  }
}
