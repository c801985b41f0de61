import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import { config } from '#infra/config/config';
import { PinoNestLogger } from '#infra/logging/logger';
import { AppModule } from './app.module.js';

/** Starts the projections' Kafka consumers, with HTTP only for /health and /metrics. */
export const bootstrap = async (port = config.projectorPort): Promise<INestApplication> => {
  const app = await NestFactory.create(AppModule, { logger: new PinoNestLogger() });
  app.enableShutdownHooks();
  await app.listen(port, config.httpHost);
  return app;
};

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  await bootstrap();
}
