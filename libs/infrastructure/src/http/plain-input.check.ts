import type { FieldProblem } from './validation.pipe.js';

/** C0 controls but tab, line feed and carriage return, and DEL; PostgreSQL's jsonb refuses U+0000. */
const CONTROL_CHARACTER = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** Keys class-transformer drops without a word, so forbidNonWhitelisted never sees them. */
const DROPPED_KEYS = new Set(['__proto__', 'constructor']);

const CONTROL_PROBLEM = 'must not contain control characters other than tab, line feed and carriage return';

/**
 * What the DTOs cannot see in a parsed body, query or parameter: a control character in any
 * string, or a field named `__proto__` or `constructor`. Walks without recursion, in document order.
 */
export const plainInputProblems = (input: unknown, root: string): FieldProblem[] => {
  const problems: FieldProblem[] = [];
  const pending: { field: string; key: string | null; value: unknown }[] = [{ field: root, key: null, value: input }];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const { field, key, value } = next;
    if (key !== null && DROPPED_KEYS.has(key)) problems.push({ field, problems: [`property ${key} should not exist`] });
    else if (typeof value === 'string' && CONTROL_CHARACTER.test(value)) problems.push({ field, problems: [`${key ?? field} ${CONTROL_PROBLEM}`] });
    else if (typeof value === 'object' && value !== null) {
      const children = Object.entries(value as Record<string, unknown>);
      for (let i = children.length - 1; i >= 0; i--) {
        const [k, child] = children[i]!;
        pending.push({ field: field ? `${field}.${k}` : k, key: k, value: child });
      }
    }
  }
  return problems;
};
