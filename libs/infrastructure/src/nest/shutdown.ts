import type { INestApplication } from '@nestjs/common';
import { createLogger } from '../logging/logger.js';

const log = createLogger('shutdown');

/**
 * Graceful stop on SIGTERM/SIGINT (Nest's shutdown hooks), bounded: a process whose hooks hang
 * (a broker that does not answer a disconnect, say) exits anyway after `timeoutMs`.
 */
export const stopWithin = (app: INestApplication, timeoutMs: number): void => {
  app.enableShutdownHooks();
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      setTimeout(() => {
        log.error({ timeoutMs }, 'graceful stop took too long; exiting');
        process.exit(1);
      }, timeoutMs).unref();
    });
  }
};
