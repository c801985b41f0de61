import type { LoggerService } from '@nestjs/common';
import { pino, type Logger } from 'pino';
import { config } from '../config/config.js';

const root: Logger = pino({ level: config.logLevel, base: { app: process.env['APP_NAME'] ?? 'ledger' } });

/** A child logger per component: `createLogger('relay').info({ batch: 12 }, 'published')`. */
export const createLogger = (component: string): Logger => root.child({ component });

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
