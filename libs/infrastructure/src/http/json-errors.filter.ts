import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { createLogger } from '../logging/logger.js';
import { internalErrorBody, knownErrorBody, type ErrorAnswers } from './error-body.js';
import { fromOverload, fromUnavailableDatabase, RETRY_AFTER_SECONDS } from './overload.js';

const log = createLogger('http');

/**
 * Every error as JSON `{ statusCode, error, message, ... }`; a 500 only for our own faults. A 503
 * (overload, a dependency down) always says when to come back: `Retry-After`.
 */
@Catch()
export class JsonErrorsFilter implements ExceptionFilter {
  constructor(private readonly answers: ErrorAnswers = {}) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const known = knownErrorBody(error, { ...this.answers, mappers: [fromOverload, ...(this.answers.mappers ?? []), fromUnavailableDatabase] });
    if (!known || known.statusCode >= 500) log.warn({ err: error, status: known?.statusCode ?? 500 }, 'request failed');
    const body = known ?? internalErrorBody(this.answers);
    if (body.statusCode === 503 && !response.hasHeader('Retry-After')) response.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
    response.status(body.statusCode).json(body);
  }
}
