export * from './order.commands.js';
export * from './order.state.js';
export * from './order.decide.js';
