import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { ExpressServerAdapter } from '#infra/http/express-server';
import type { INestApplication } from '@nestjs/common';
import { loadConfigOrExit, type Config } from '#infra/config/config';
import { configureLogging, PinoNestLogger } from '#infra/logging/logger';
import { stopWithin } from '#infra/nest/shutdown';
import { secureHttp } from '#infra/http/secure-http';
import { AppModule } from './app.module.js';

/** Starts the projections' Kafka consumers, with HTTP only for /health and /metrics. */
export const bootstrap = async (config: Config): Promise<INestApplication> => {
  configureLogging(config);
  const app = await NestFactory.create(AppModule.forRoot(config), new ExpressServerAdapter(), { logger: new PinoNestLogger() });
  secureHttp(app, config);
  stopWithin(app, config.shutdownTimeoutMs);
  await app.listen(config.projectorPort, config.httpHost);
  return app;
};

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  await bootstrap(loadConfigOrExit());
}
