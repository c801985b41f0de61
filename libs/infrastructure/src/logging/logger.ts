import type { LoggerService } from '@nestjs/common';
import { pino, type Level, type Logger } from 'pino';
import { activeSpanIds } from '../tracing/tracing.js';

// Each line logged inside a traced span carries its trace and span ids (nothing when tracing is off).
const root: Logger = pino({ level: 'info', base: { app: 'ledger' }, mixin: () => activeSpanIds() ?? {} });
const children = new Set<Logger>();

/** A child logger per component: `createLogger('relay').info({ batch: 12 }, 'published')`. */
export const createLogger = (component: string): Logger => {
  const child = root.child({ component });
  children.add(child);
  return child;
};

/** Applies the configured level and app name to every logger, those made already included. Call once at start. */
export const configureLogging = ({ logLevel, appName }: { logLevel: Level | 'silent'; appName: string }): void => {
  for (const logger of [root, ...children]) {
    logger.level = logLevel;
    logger.setBindings({ app: appName });
  }
};

/** Routes NestJS's own log lines through pino. */
export class PinoNestLogger implements LoggerService {
  private readonly logger = createLogger('nest');

  log(message: unknown, context?: string): void {
    this.logger.info({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string): void {
    this.logger.error({ context, trace }, String(message));
  }
  warn(message: unknown, context?: string): void {
    this.logger.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string): void {
    this.logger.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string): void {
    this.logger.trace({ context }, String(message));
  }
}
