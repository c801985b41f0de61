import { BadRequestException } from '@nestjs/common';

/** Opaque keyset cursor: base64url of a JSON array holding the last row's sort key. */
export const encodeCursor = (key: readonly (string | number)[]): string => Buffer.from(JSON.stringify(key)).toString('base64url');

export const decodeCursor = <T extends readonly unknown[]>(cursor: string, isValid: (key: unknown[]) => key is [...T]): T => {
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(key) && isValid(key)) return key;
  } catch {
    // fall through to the 400
  }
  throw new BadRequestException({ error: 'validation_failed', message: 'cursor is not a cursor this API returned', fields: [{ field: 'cursor', problems: ['cursor is invalid'] }] });
};
