export * from './shared/errors.js';
export * from './account/index.js';
export * from './order/index.js';
export * from './payment/index.js';
