import type { NextFunction, Request, Response } from 'express';
import { invalidField } from './validation.pipe.js';

export const MAX_JSON_NESTING = 32;

/**
 * The top-level field under which `input` nests objects and arrays deeper than `maxDepth`
 * (`body` when the body itself is an array), or null. Walks without recursion.
 */
export const tooDeeplyNested = (input: unknown, maxDepth: number): string | null => {
  const pending: { value: unknown; depth: number; field: string }[] = [{ value: input, depth: 0, field: 'body' }];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const { value, depth, field } = next;
    if (typeof value !== 'object' || value === null) continue;
    if (depth === maxDepth) return field;
    const topLevel = depth === 0 && !Array.isArray(value);
    for (const [key, child] of Object.entries(value as Record<string, unknown>)) pending.push({ value: child, depth: depth + 1, field: topLevel ? key : field });
  }
  return null;
};

/**
 * After the JSON body parser: a body nested deeper than `maxDepth` is a 400 before anything that
 * recurses over it (the idempotency hash, class-transformer) can overflow the stack.
 */
export const limitJsonNesting =
  (maxDepth = MAX_JSON_NESTING) =>
  (req: Request, _res: Response, next: NextFunction): void => {
    const field = tooDeeplyNested(req.body as unknown, maxDepth);
    next(field === null ? undefined : invalidField(field, `${field} nests objects and arrays deeper than ${maxDepth} levels`));
  };
