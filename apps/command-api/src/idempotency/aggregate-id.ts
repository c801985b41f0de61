import { randomUUID } from 'node:crypto';
import { nameBasedUuid } from '#infra/ids/name-based-uuid';
import type { CommandContext } from '../shared/command-context.js';

/**
 * The id of an aggregate a request creates: random, or, with an Idempotency-Key, derived from the
 * caller and the key (a UUID in version-5 layout; keys are scoped per caller), so that executing the same request again targets the same
 * stream, where handleCommand finds the events it already appended under that key.
 */
export const newAggregateId = (context: CommandContext, kind: string): string => {
  const key = context.metadata.idempotencyKey;
  return key ? nameBasedUuid(`ledger:${kind}:${context.actor.subject}:${key}`) : randomUUID();
};
