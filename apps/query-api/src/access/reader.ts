import { ForbiddenException } from '@nestjs/common';
import type { Principal } from '#infra/auth/principal';

/**
 * Who reads, as the read models' rules see it: an operator reads everything, a customer what is
 * theirs (what their subject owns). Nobody else reads here: the payment service and a token with
 * none of the known roles are refused, 403 on every route whatever its target, so the refusal
 * says nothing about any id.
 */
export type Reader = { readonly kind: 'operator' } | { readonly kind: 'customer'; readonly subject: string };

export const readerOf = (caller: Principal): Reader => {
  if (caller.roles.includes('operator')) return { kind: 'operator' };
  if (caller.roles.includes('customer')) return { kind: 'customer', subject: caller.subject };
  throw new ForbiddenException({ error: 'forbidden', message: 'Only customers and operators may read here' });
};

/** The owner a reader's reads are limited to, for SQL and search filters; null: none (an operator). */
export const ownerFilter = (reader: Reader): string | null => (reader.kind === 'operator' ? null : reader.subject);

/** Whether the reader may see what `owner` owns (null: nobody, as for accounts opened before owners were recorded). */
export const mayRead = (reader: Reader, owner: string | null): boolean => reader.kind === 'operator' || (owner !== null && owner === reader.subject);
