import { ArgumentsHost, Catch, HttpException, HttpStatus, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { DomainError, IllegalStateError, NotFoundError, ValidationError } from '#domain';
import { WrongExpectedRevisionError } from '#eventsourcing';
import { createLogger } from '#infra/logging/logger';
import { InvalidHeaderError } from './command-context.js';

const log = createLogger('http');

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  [extra: string]: unknown;
}

const fromDomain = (error: DomainError): ErrorBody => {
  if (error instanceof NotFoundError) return { statusCode: 404, error: 'not_found', code: error.code, message: error.message };
  if (error instanceof ValidationError) return { statusCode: 400, error: 'invalid_command', code: error.code, message: error.message };
  if (error instanceof IllegalStateError) return { statusCode: 422, error: 'rule_broken', code: error.code, message: error.message };
  return { statusCode: 422, error: 'rule_broken', code: error.code, message: error.message };
};

// body-parser marks its own errors with a status and a type.
const fromBodyParser = (error: { status?: number; type?: string; message: string }): ErrorBody | null => {
  if (typeof error.status !== 'number' || typeof error.type !== 'string') return null;
  if (error.type === 'entity.parse.failed') return { statusCode: 400, error: 'malformed_json', message: 'The body is not valid JSON' };
  if (error.type === 'entity.too.large') return { statusCode: 413, error: 'payload_too_large', message: 'The body is larger than 64 kB' };
  return { statusCode: error.status, error: error.type, message: error.message };
};

/** The JSON answer to an error: domain rules, concurrency, validation and transport errors. */
export const errorResponse = (error: unknown): ErrorBody => {
  if (error instanceof DomainError) return fromDomain(error);
  if (error instanceof WrongExpectedRevisionError) {
    return { statusCode: 409, error: 'concurrency_conflict', message: error.message, streamId: error.streamId, currentRevision: error.actual };
  }
  if (error instanceof InvalidHeaderError) return { statusCode: 400, error: 'invalid_header', message: error.message };
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const payload = error.getResponse();
    if (typeof payload === 'object' && payload !== null) return { statusCode: status, error: 'bad_request', message: error.message, ...payload };
    return { statusCode: status, error: HttpStatus[status]?.toLowerCase() ?? 'error', message: String(payload) };
  }
  const parserError = error instanceof Error ? fromBodyParser(error) : null;
  return parserError ?? { statusCode: 500, error: 'internal_error', message: 'Something went wrong; nothing was appended' };
};

/** Maps every error to JSON. */
@Catch()
export class HttpErrorsFilter implements ExceptionFilter {
  catch(error: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const body = errorResponse(error);
    if (body.statusCode >= 500) log.error({ err: error }, 'request failed');
    response.status(body.statusCode).json(body);
  }
}
