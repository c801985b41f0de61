import { HttpException, HttpStatus } from '@nestjs/common';

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  [extra: string]: unknown;
}

/** The answer to the errors a mapper knows; null for the others. */
export type ErrorMapper = (error: unknown) => ErrorBody | null;

export interface ErrorAnswers {
  /** Tried first, in order: an app's own errors (e.g. command-api's domain errors). */
  readonly mappers?: readonly ErrorMapper[];
  /** The message of the 500 for anything no mapper knows. */
  readonly internalErrorMessage?: string;
}

const statusName = (status: number): string => HttpStatus[status]?.toLowerCase() ?? 'error';

export const fromHttpException: ErrorMapper = (error) => {
  if (!(error instanceof HttpException)) return null;
  const status = error.getStatus();
  const payload = error.getResponse();
  if (typeof payload === 'object' && payload !== null) return { statusCode: status, error: statusName(status), message: error.message, ...payload };
  return { statusCode: status, error: statusName(status), message: String(payload) };
};

const sizeOf = (bytes: unknown): string => (typeof bytes === 'number' ? `${Math.round(bytes / 1024)} kB` : 'allowed');

// body-parser marks its own errors with a status and a type (and the limit, when too large).
type ParserError = Error & { status?: unknown; type?: unknown; limit?: unknown };

const namedParserError = (error: unknown): ErrorBody | null => {
  const { type, limit } = error instanceof Error ? (error as ParserError) : {};
  if (type === 'entity.parse.failed') return { statusCode: 400, error: 'malformed_json', message: 'The body is not valid JSON' };
  if (type === 'entity.too.large') return { statusCode: 413, error: 'payload_too_large', message: `The body is larger than ${sizeOf(limit)}` };
  return null;
};

// Nest's Express adapter hands body-parser's errors over as HttpExceptions, the original as cause.
export const fromWrappedBodyParser: ErrorMapper = (error) => (error instanceof HttpException ? namedParserError(error.cause) : null);

export const fromBodyParser: ErrorMapper = (error) => {
  if (!(error instanceof Error)) return null;
  const { status, type } = error as ParserError;
  if (typeof status !== 'number' || typeof type !== 'string') return null;
  return namedParserError(error) ?? { statusCode: status, error: type, message: error.message };
};

/** The app's mappers, then body-parser errors and HTTP exceptions; null for an error none knows. */
export const knownErrorBody = (error: unknown, answers: ErrorAnswers = {}): ErrorBody | null => {
  for (const map of [...(answers.mappers ?? []), fromWrappedBodyParser, fromHttpException, fromBodyParser]) {
    const body = map(error);
    if (body) return body;
  }
  return null;
};

export const internalErrorBody = (answers: ErrorAnswers = {}): ErrorBody => ({
  statusCode: 500,
  error: 'internal_error',
  message: answers.internalErrorMessage ?? 'Something went wrong',
});

/** The JSON answer to any error. */
export const errorBody = (error: unknown, answers: ErrorAnswers = {}): ErrorBody => knownErrorBody(error, answers) ?? internalErrorBody(answers);
