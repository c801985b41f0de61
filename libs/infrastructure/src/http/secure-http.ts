import type { INestApplication } from '@nestjs/common';
import type { Application, NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import type { Config } from '../config/config.js';
import { API_DOCS_CSP, isApiDocsPage } from '../openapi/docs-page.js';
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
 * Security headers on every answer (helmet; the apps serve JSON, so the content policy allows
 * nothing and no framing, but on Swagger UI's page and assets under /docs), CORS for exactly
 * `config.corsOrigins`, off when there are none, and Express's `trust proxy` from
 * `config.trustProxy`. Call it first, so that refusals (503, 429, 401) carry them too.
 */
export const secureHttp = (app: INestApplication, config: Pick<Config, 'corsOrigins' | 'trustProxy'>): void => {
  // request.ip, which the per-address rate limits count, is the socket's peer unless proxies are
  // trusted: behind an ingress that peer is the ingress, for every caller alike. Trusting more hops
  // than there are proxies would let a caller pick its own address with X-Forwarded-For.
  const trust = config.trustProxy;
  (app.getHttpAdapter().getInstance() as Application).set('trust proxy', typeof trust === 'object' ? [...trust] : trust);
  const json = helmet({ contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } } });
  const docs = helmet({ contentSecurityPolicy: { useDefaults: false, directives: API_DOCS_CSP } });
  app.use((request: Request, response: Response, next: NextFunction) => (isApiDocsPage(request.path) ? docs : json)(request, response, next));
  if (config.corsOrigins.length === 0) return;
  // Bearer tokens travel in Authorization, never in cookies: no credentials mode.
  app.enableCors({ origin: [...config.corsOrigins], allowedHeaders: REQUEST_HEADERS, exposedHeaders: RESPONSE_HEADERS, maxAge: 600 });
};
