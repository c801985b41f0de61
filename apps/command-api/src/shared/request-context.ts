import { randomUUID } from 'node:crypto';
import { nameBasedUuid } from '#infra/ids/name-based-uuid';
import type { EventMetadata } from '#events';

/** What a command carries from its HTTP request into the events it produces. */
export interface RequestContext {
  readonly ifMatch?: number;
  readonly metadata: EventMetadata;
}

type Headers = Record<string, string | string[] | undefined>;
const header = (headers: Headers, name: string): string | undefined => {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
};

export class InvalidHeaderError extends Error {}

/** `If-Match: 3` or `If-Match: "3"`: the revision the client last saw. */
export const parseIfMatch = (raw: string | undefined): number | undefined => {
  if (raw === undefined) return undefined;
  const match = /^\s*(?:W\/)?"?(\d{1,15})"?\s*$/.exec(raw);
  if (!match?.[1]) throw new InvalidHeaderError('If-Match must be a stream revision (a non-negative integer)');
  return Number(match[1]);
};

export const requestContext = (headers: Headers): RequestContext => {
  const correlationId = header(headers, 'x-correlation-id')?.slice(0, 128) || randomUUID();
  const traceparent = header(headers, 'traceparent');
  const idempotencyKey = header(headers, 'idempotency-key');
  const ifMatch = parseIfMatch(header(headers, 'if-match'));
  return {
    ...(ifMatch === undefined ? {} : { ifMatch }),
    metadata: {
      correlationId,
      causationId: null,
      ...(traceparent ? { traceparent: traceparent.slice(0, 128) } : {}),
      ...(idempotencyKey ? { idempotencyKey } : {}),
    },
  };
};

/**
 * The id of an aggregate a request creates: random, or, with an Idempotency-Key, derived from it
 * (a UUID in version-5 layout), so that executing the same request again targets the same
 * stream, where the store finds the events it already appended.
 */
export const newAggregateId = (headers: Headers, kind: string): string => {
  const key = header(headers, 'idempotency-key');
  if (!key) return randomUUID();
  return nameBasedUuid(`ledger:${kind}:${key}`);
};
