export * from './account.commands.js';
export * from './account.state.js';
export * from './account.decide.js';
