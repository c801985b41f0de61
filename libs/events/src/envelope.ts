/** The caller an event was appended for: the token's subject (`sub`) and the client it was issued to (`azp`). */
export interface EventActor {
  readonly subject: string;
  readonly client: string | null;
}

/** Metadata carried by every stored event, on Kafka and in dead-letter topics. */
export interface EventMetadata {
  readonly correlationId: string;
  readonly causationId: string | null;
  readonly traceparent?: string;
  /** Who caused it: the token's subject and client (a plain string in events stored before identity). */
  readonly actor?: EventActor | string;
  readonly idempotencyKey?: string;
}

/**
 * The metadata a command appends its events with: the actor is always there, as a subject and a
 * client. The store still takes and returns EventMetadata, whose actor may be missing or a plain
 * string in events stored before identity.
 */
export interface AppendMetadata extends EventMetadata {
  readonly actor: EventActor;
}

/** A domain event as the domain sees it: a stable type string and a payload. */
export interface DomainEvent<TType extends string = string, TData = unknown> {
  readonly type: TType;
  readonly data: TData;
}

/** The one JSON shape of a stored event, everywhere: store, Kafka value, dead-letter topic. */
export interface EventEnvelope<E extends DomainEvent = DomainEvent> {
  readonly eventId: string;
  readonly type: E['type'];
  readonly schemaVersion: number;
  readonly streamId: string;
  readonly streamRevision: number;
  /** Decimal string of a 64-bit integer, unique per stored event. */
  readonly globalPosition: string;
  readonly occurredAt: string;
  readonly data: E['data'];
  readonly metadata: EventMetadata;
}

/** An event on its way into the store: the store assigns revision and position. */
export interface NewEvent<E extends DomainEvent = DomainEvent> {
  readonly eventId: string;
  readonly type: E['type'];
  readonly schemaVersion: number;
  readonly occurredAt: string;
  readonly data: E['data'];
  readonly metadata: EventMetadata;
}
