import { ParseUUIDPipe } from '@nestjs/common';
import { invalidField } from './validation.pipe.js';

/** A path id that must be a UUID; the 400 names the parameter. */
export const uuidParam = (name: string): ParseUUIDPipe =>
  new ParseUUIDPipe({ exceptionFactory: () => invalidField(name, `${name} must be a UUID`) });
