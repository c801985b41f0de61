export * from './shared/decider.js';
export * from './shared/errors.js';
export * from './account/index.js';
export * from './order/index.js';
