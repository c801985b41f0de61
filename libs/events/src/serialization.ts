import type { EventEnvelope } from './envelope.js';
import { CURRENT_SCHEMA_VERSION, isKnownEventType, payloadProblems, type KnownEvent } from './event-schemas.js';
import { UPCASTERS, UpcasterChain } from './upcasters.js';

/** An event that cannot be understood: it goes to the dead-letter topic, the consumer moves on. */
export class PoisonEventError extends Error {
  constructor(
    message: string,
    readonly problems: readonly string[] = [],
  ) {
    super(problems.length ? `${message}: ${problems.join('; ')}` : message);
    this.name = 'PoisonEventError';
  }
}

const chain = new UpcasterChain(UPCASTERS);

export const encodeEnvelope = (envelope: EventEnvelope): string => JSON.stringify(envelope);

const ENVELOPE_FIELDS = ['eventId', 'type', 'streamId', 'globalPosition', 'occurredAt'] as const;

/** Parses, checks and upcasts a serialised envelope; throws PoisonEventError when it cannot. */
export const decodeEnvelope = (raw: string | Buffer | null | undefined): EventEnvelope<KnownEvent> => {
  if (raw === null || raw === undefined) throw new PoisonEventError('Empty message');
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString());
  } catch {
    throw new PoisonEventError('Message is not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null) throw new PoisonEventError('Envelope is not an object');
  const env = parsed as Record<string, unknown>;
  const missing = ENVELOPE_FIELDS.filter((f) => typeof env[f] !== 'string');
  if (!Number.isSafeInteger(env['streamRevision']) || (env['streamRevision'] as number) < 0) missing.push('streamRevision' as never);
  if (!Number.isSafeInteger(env['schemaVersion'])) missing.push('schemaVersion' as never);
  if (missing.length) throw new PoisonEventError('Malformed envelope', missing.map((f) => `${f} is missing or invalid`));
  const envelope = parsed as EventEnvelope;
  if (!isKnownEventType(envelope.type)) throw new PoisonEventError(`Unknown event type "${envelope.type}"`);
  const current = CURRENT_SCHEMA_VERSION[envelope.type];
  if (envelope.schemaVersion > current) {
    throw new PoisonEventError(`${envelope.type} schema version ${envelope.schemaVersion} is newer than ${current}`);
  }
  let upcast: EventEnvelope;
  try {
    upcast = chain.upcast(envelope, current);
  } catch (error) {
    throw new PoisonEventError((error as Error).message);
  }
  const problems = payloadProblems(envelope.type, upcast.data);
  if (problems.length) throw new PoisonEventError(`Invalid ${envelope.type} payload`, problems);
  return upcast as EventEnvelope<KnownEvent>;
};

/** Brings a stored envelope of a known type to its current schema version (others pass through). */
export const upcastEnvelope = (envelope: EventEnvelope): EventEnvelope =>
  isKnownEventType(envelope.type) ? chain.upcast(envelope, CURRENT_SCHEMA_VERSION[envelope.type]) : envelope;

/**
 * The codec the write path folds and appends with: stored events upcast to their current shape,
 * new events stored at their current schema version.
 */
export const knownEventCodec = <E extends KnownEvent = KnownEvent>(): {
  decode: (stored: EventEnvelope) => E;
  schemaVersion: (type: E['type']) => number;
} => ({
  decode: (stored) => {
    const current = upcastEnvelope(stored);
    return { type: current.type, data: current.data } as E;
  },
  schemaVersion: (type) => CURRENT_SCHEMA_VERSION[type],
});
