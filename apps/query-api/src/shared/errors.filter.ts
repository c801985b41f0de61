import { ArgumentsHost, Catch, HttpException, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { createLogger } from '#infra/logging/logger';

const log = createLogger('http');

/** JSON errors everywhere: `{ statusCode, error, message, ... }`; a 500 only for our own faults. */
@Catch()
export class ErrorsFilter implements ExceptionFilter {
  catch(error: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    if (error instanceof HttpException) {
      const status = error.getStatus();
      const payload = error.getResponse();
      const body = typeof payload === 'object' && payload !== null ? payload : { message: payload };
      response.status(status).json({ statusCode: status, error: 'error', message: error.message, ...body });
      return;
    }
    log.error({ err: error }, 'query failed');
    response.status(500).json({ statusCode: 500, error: 'internal_error', message: 'Something went wrong' });
  }
}
