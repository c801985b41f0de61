import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import { config } from '#infra/config/config';
import { JsonErrorsFilter } from '#infra/http/json-errors.filter';
import { validationPipe } from '#infra/http/validation.pipe';
import { PinoNestLogger } from '#infra/logging/logger';
import { AppModule } from './app.module.js';

/** Builds and starts query-api; `port` 0 picks a free port (tests). */
export const bootstrap = async (port = config.queryApiPort): Promise<INestApplication> => {
  const app = await NestFactory.create(AppModule, { logger: new PinoNestLogger() });
  app.useGlobalPipes(validationPipe());
  app.useGlobalFilters(new JsonErrorsFilter());
  app.enableShutdownHooks();
  await app.listen(port, config.httpHost);
  return app;
};

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  await bootstrap();
}
