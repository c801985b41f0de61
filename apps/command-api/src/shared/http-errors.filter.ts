import { DomainError, ForbiddenError, IllegalStateError, NotFoundError, ValidationError } from '#domain';
import { WrongExpectedRevisionError } from '#eventsourcing';
import { errorBody, type ErrorAnswers, type ErrorBody, type ErrorMapper } from '#infra/http/error-body';
import type { ArgumentsHost } from '@nestjs/common';
import { JsonErrorsFilter } from '#infra/http/json-errors.filter';
import { concurrencyConflicts } from '#infra/metrics/write.metrics';
import { InvalidHeaderError } from './command-context.js';

const fromDomain: ErrorMapper = (error) => {
  if (!(error instanceof DomainError)) return null;
  if (error instanceof ForbiddenError) return { statusCode: 403, error: 'forbidden', code: error.code, message: error.message };
  if (error instanceof NotFoundError) return { statusCode: 404, error: 'not_found', code: error.code, message: error.message };
  if (error instanceof ValidationError) return { statusCode: 400, error: 'invalid_command', code: error.code, message: error.message };
  if (error instanceof IllegalStateError) return { statusCode: 422, error: 'rule_broken', code: error.code, message: error.message };
  return { statusCode: 422, error: 'rule_broken', code: error.code, message: error.message };
};

const fromConcurrency: ErrorMapper = (error) =>
  error instanceof WrongExpectedRevisionError
    ? { statusCode: 409, error: 'concurrency_conflict', message: error.message, streamId: error.streamId, currentRevision: error.actual }
    : null;

const fromInvalidHeader: ErrorMapper = (error) =>
  error instanceof InvalidHeaderError ? { statusCode: 400, error: 'invalid_header', message: error.message } : null;

/** command-api's errors (domain rules, concurrency, headers) on top of the shared HTTP ones. */
const COMMAND_ERRORS: ErrorAnswers = {
  mappers: [fromDomain, fromConcurrency, fromInvalidHeader],
  internalErrorMessage: 'Something went wrong; the command may or may not have been applied: send it again with the same Idempotency-Key to find out',
};

/** The JSON answer to an error: domain rules, concurrency, validation and transport errors. */
export const errorResponse = (error: unknown): ErrorBody => errorBody(error, COMMAND_ERRORS);

/** Maps every error to JSON. */
export class HttpErrorsFilter extends JsonErrorsFilter {
  constructor() {
    super(COMMAND_ERRORS);
  }

  override catch(error: unknown, host: ArgumentsHost): void {
    if (error instanceof WrongExpectedRevisionError) concurrencyConflicts.inc({ outcome: 'rejected' });
    super.catch(error, host);
  }
}
