import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { config } from '#infra/config/config';
import { validationPipe } from '#infra/http/validation.pipe';
import { PinoNestLogger } from '#infra/logging/logger';
import { AppModule } from './app.module.js';
import { HttpErrorsFilter } from './shared/http-errors.filter.js';
import { requireJsonBody } from './shared/json-body.middleware.js';

/** Builds and starts command-api; `port` 0 picks a free port (tests). */
export const bootstrap = async (port = config.commandApiPort): Promise<NestExpressApplication> => {
  const app = await NestFactory.create<NestExpressApplication>(AppModule, { bodyParser: false, logger: new PinoNestLogger() });
  app.use(requireJsonBody);
  app.useBodyParser('json', { limit: '64kb' });
  app.useGlobalPipes(validationPipe());
  app.useGlobalFilters(new HttpErrorsFilter());
  app.enableShutdownHooks();
  await app.listen(port, config.httpHost);
  return app;
};

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  await bootstrap();
}
