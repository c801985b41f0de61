export * from './payment.workflow.js';
