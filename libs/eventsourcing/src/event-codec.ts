import type { DomainEvent } from '#events';
import type { StoredEvent } from './event-store.port.js';

/** How stored events become the events a decider folds, and how new ones are stored. */
export interface EventCodec<E extends DomainEvent> {
  /** The event in its current shape (upcast from the stored schema version). */
  decode(stored: StoredEvent): E;
  /** The schema version a new event of this type is stored with. */
  schemaVersion(type: E['type']): number;
}
