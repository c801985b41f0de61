import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { createLogger } from '../logging/logger.js';
import { internalErrorBody, knownErrorBody, type ErrorAnswers } from './error-body.js';

const log = createLogger('http');

/** Every error as JSON `{ statusCode, error, message, ... }`; a 500 only for our own faults. */
@Catch()
export class JsonErrorsFilter implements ExceptionFilter {
  constructor(private readonly answers: ErrorAnswers = {}) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const known = knownErrorBody(error, this.answers);
    if (!known) log.error({ err: error }, 'request failed');
    const body = known ?? internalErrorBody(this.answers);
    response.status(body.statusCode).json(body);
  }
}
