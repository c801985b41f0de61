import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { ExpressServerAdapter } from '#infra/http/express-server';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { loadConfigOrExit, type Config } from '#infra/config/config';
import { configureLogging, PinoNestLogger } from '#infra/logging/logger';
import { admissionControl } from '#infra/http/admission.middleware';
import { limitJsonNesting } from '#infra/http/json-nesting.middleware';
import { validationPipe } from '#infra/http/validation.pipe';
import { stopWithin } from '#infra/nest/shutdown';
import { TracingInterceptor } from '#infra/tracing/tracing.interceptor';
import { secureHttp } from '#infra/http/secure-http';
import { serveApiDocs } from '#infra/openapi/api-docs';
import { httpMetrics } from '#infra/metrics/http-metrics.middleware';
import { AppModule } from './app.module.js';
import { COMMAND_API_INFO } from './api-info.js';
import { HttpErrorsFilter } from './shared/http-errors.filter.js';
import { requireJsonBody } from './shared/json-body.middleware.js';

/** Builds and starts command-api; a port of 0 picks a free one (tests). */
export const bootstrap = async (config: Config): Promise<NestExpressApplication> => {
  configureLogging(config);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), new ExpressServerAdapter(), { bodyParser: false, logger: new PinoNestLogger() });
  if (config.metricsEnabled) app.use(httpMetrics());
  secureHttp(app, config);
  app.use(admissionControl({ maxInFlight: config.maxInFlightRequests, maxInFlightPerStream: config.maxInFlightPerStream }));
  app.use(requireJsonBody);
  app.useBodyParser('json', { limit: '64kb' });
  app.use(limitJsonNesting());
  app.useGlobalPipes(validationPipe());
  app.useGlobalFilters(new HttpErrorsFilter());
  app.useGlobalInterceptors(new TracingInterceptor());
  if (config.apiDocsEnabled) serveApiDocs(app, COMMAND_API_INFO);
  stopWithin(app, config.shutdownTimeoutMs);
  await app.listen(config.commandApiPort, config.httpHost);
  return app;
};

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  await bootstrap(loadConfigOrExit());
}
