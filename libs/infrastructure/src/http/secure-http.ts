import type { INestApplication } from '@nestjs/common';
import helmet from 'helmet';
import type { Config } from '../config/config.js';
import { RATE_LIMIT_CLASSES } from './rate-limit.policy.js';

/** What a browser page may send and read across origins: the headers the apps read and answer. */
const REQUEST_HEADERS = ['Authorization', 'Content-Type', 'Idempotency-Key', 'If-Match', 'X-Consistency-Token', 'X-Correlation-Id', 'traceparent'];
const RESPONSE_HEADERS = [
  'Retry-After',
  'WWW-Authenticate',
  'Idempotent-Replayed',
  'traceresponse',
  ...RATE_LIMIT_CLASSES.flatMap((name) => ['Limit', 'Remaining', 'Reset'].map((field) => `X-RateLimit-${field}-${name}`)),
];

/**
 * Security headers on every answer (helmet; the apps serve JSON only, so the content policy
 * allows nothing and no framing), and CORS for exactly `config.corsOrigins`, off when there are
 * none. Call it first, so that refusals (503, 429, 401) carry them too.
 */
export const secureHttp = (app: INestApplication, config: Pick<Config, 'corsOrigins'>): void => {
  app.use(helmet({ contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } } }));
  if (config.corsOrigins.length === 0) return;
  // Bearer tokens travel in Authorization, never in cookies: no credentials mode.
  app.enableCors({ origin: [...config.corsOrigins], allowedHeaders: REQUEST_HEADERS, exposedHeaders: RESPONSE_HEADERS, maxAge: 600 });
};
