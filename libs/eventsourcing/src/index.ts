export * from './decider.js';
export * from './event-codec.js';
export * from './event-store.port.js';
export * from './handle-command.js';
export * from './in-memory-event-store.js';
export * from './stream-queue.js';
