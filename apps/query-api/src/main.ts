import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import { config } from '#infra/config/config';
import { PinoNestLogger } from '#infra/logging/logger';
import { AppModule } from './app.module.js';
import { ErrorsFilter } from './shared/errors.filter.js';
import { validationPipe } from './shared/validation.js';

/** Builds and starts query-api; `port` 0 picks a free port (tests). */
export const bootstrap = async (port = config.queryApiPort): Promise<INestApplication> => {
  const app = await NestFactory.create(AppModule, { logger: new PinoNestLogger() });
  app.useGlobalPipes(validationPipe());
  app.useGlobalFilters(new ErrorsFilter());
  app.enableShutdownHooks();
  await app.listen(port, config.httpHost);
  return app;
};

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  await bootstrap();
}
