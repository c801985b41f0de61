export * from './shared/errors.js';
export * from './shared/actor.js';
export * from './account/index.js';
export * from './order/index.js';
export * from './payment/index.js';
