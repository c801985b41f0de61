import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { ExpressServerAdapter } from '#infra/http/express-server';
import type { INestApplication } from '@nestjs/common';
import { loadConfigOrExit, type Config } from '#infra/config/config';
import { JsonErrorsFilter } from '#infra/http/json-errors.filter';
import { admissionControl } from '#infra/http/admission.middleware';
import { validationPipe } from '#infra/http/validation.pipe';
import { configureLogging, PinoNestLogger } from '#infra/logging/logger';
import { stopWithin } from '#infra/nest/shutdown';
import { TracingInterceptor } from '#infra/tracing/tracing.interceptor';
import { secureHttp } from '#infra/http/secure-http';
import { serveApiDocs } from '#infra/openapi/api-docs';
import { httpMetrics } from '#infra/metrics/http-metrics.middleware';
import { AppModule } from './app.module.js';
import { QUERY_API_INFO } from './api-info.js';

/** Builds and starts query-api; a port of 0 picks a free one (tests). */
export const bootstrap = async (config: Config): Promise<INestApplication> => {
  configureLogging(config);
  const app = await NestFactory.create(AppModule.forRoot(config), new ExpressServerAdapter(), { logger: new PinoNestLogger() });
  if (config.metricsEnabled) app.use(httpMetrics());
  secureHttp(app, config);
  app.use(admissionControl({ maxInFlight: config.maxInFlightRequests, maxInFlightPerStream: config.maxInFlightPerStream }));
  app.useGlobalPipes(validationPipe());
  app.useGlobalFilters(new JsonErrorsFilter());
  app.useGlobalInterceptors(new TracingInterceptor());
  if (config.apiDocsEnabled) serveApiDocs(app, QUERY_API_INFO);
  stopWithin(app, config.shutdownTimeoutMs);
  await app.listen(config.queryApiPort, config.httpHost);
  return app;
};

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  await bootstrap(loadConfigOrExit());
}
