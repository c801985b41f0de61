/** Injection token of the EventStore port used by command handlers. */
export const EVENT_STORE = Symbol('EVENT_STORE');
