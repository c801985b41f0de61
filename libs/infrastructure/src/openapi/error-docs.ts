import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiProperty, ApiPropertyOptional, ApiResponse, getSchemaPath, type HeadersObject } from '@nestjs/swagger';
import { RETRY_AFTER_SECONDS } from '../http/overload.js';

export class FieldProblemBody {
  @ApiProperty({ example: 'currency', description: 'The field or parameter at fault; nested fields as `items.0.quantity`' })
  field!: string;

  @ApiProperty({ example: ['currency must be an ISO-4217 code of three capital letters'] })
  problems!: string[];
}

/** Every error the APIs answer: `{ statusCode, error, message }`, and more fields for some. */
export class ErrorBody {
  @ApiProperty({ type: 'integer', example: 400, description: 'The HTTP status, repeated' })
  statusCode!: number;

  @ApiProperty({ example: 'validation_failed', description: 'What went wrong, as a stable name for programs' })
  error!: string;

  @ApiProperty({ example: 'Invalid request: currency', description: 'What went wrong, for people' })
  message!: string;

  @ApiPropertyOptional({ type: () => [FieldProblemBody], description: 'validation_failed: each field at fault and why' })
  fields?: FieldProblemBody[];

  @ApiPropertyOptional({ example: 'insufficient_funds', description: "A domain rule's own name (command-api: forbidden, not_found, invalid_command, rule_broken)" })
  code?: string;
}

/** One error answer a route can give, with an example body. */
export interface DocumentedError {
  readonly status: number;
  /** The body's `error`. */
  readonly error: string;
  /** When it is answered. */
  readonly when: string;
  readonly example: Record<string, unknown>;
}

export const documentedError = (status: number, when: string, example: { error: string; message: string; [more: string]: unknown }): DocumentedError => ({
  status,
  error: example.error,
  when,
  example: { statusCode: status, ...example },
});

const RETRY_AFTER: HeadersObject = { 'Retry-After': { description: 'Seconds to wait before trying again', schema: { type: 'integer', example: RETRY_AFTER_SECONDS } } };
const RESPONSE_HEADERS: Record<number, HeadersObject> = {
  401: { 'WWW-Authenticate': { description: 'The bearer challenge (RFC 6750), with why a token was refused', schema: { type: 'string', example: 'Bearer realm="ledger"' } } },
  429: RETRY_AFTER,
  503: RETRY_AFTER,
};

/** The errors every route behind the authentication guard and the limits can answer. */
export const HTTP_ERRORS = {
  validationFailed: documentedError(400, 'A field, a query or a path parameter is invalid; `fields` names each one', {
    error: 'validation_failed',
    message: 'Invalid request: currency',
    fields: [{ field: 'currency', problems: ['currency must be an ISO-4217 code of three capital letters'] }],
  }),
  unauthenticated: documentedError(401, 'No bearer token', { error: 'unauthenticated', message: 'This route needs a bearer token (Authorization: Bearer <access token>)' }),
  invalidToken: documentedError(401, 'The bearer token is expired, forged, or not for this API', {
    error: 'invalid_token',
    message: 'The bearer token was refused: "exp" claim timestamp check failed',
  }),
  rateLimited: documentedError(429, "Beyond the caller's limit for this kind of request (see the X-RateLimit-* headers)", {
    error: 'rate_limited',
    limit: 'commands',
    retryAfter: 7,
    message: 'Too many commands; retry in 7 s',
  }),
  overloaded: documentedError(503, 'The process has as many requests in flight as it takes (or as many for this stream)', {
    error: 'overloaded',
    message: 'Too many requests in flight; retry shortly',
  }),
  databaseUnavailable: documentedError(503, 'PostgreSQL is out of reach for a moment', {
    error: 'database_unavailable',
    message: 'PostgreSQL is not available right now; retry shortly (a command: with the same Idempotency-Key)',
  }),
  identityProviderUnavailable: documentedError(503, "Tokens cannot be verified: the identity provider's keys are out of reach", {
    error: 'identity_provider_unavailable',
    message: 'Tokens cannot be verified right now; retry shortly',
  }),
} as const;

/** The answers of any authenticated route: 401, 429 and 503. */
export const GUARDED_ROUTE_ERRORS: readonly DocumentedError[] = [
  HTTP_ERRORS.unauthenticated,
  HTTP_ERRORS.invalidToken,
  HTTP_ERRORS.rateLimited,
  HTTP_ERRORS.overloaded,
  HTTP_ERRORS.databaseUnavailable,
  HTTP_ERRORS.identityProviderUnavailable,
];

/** `error`, and the domain rule's `code` when there is one: `rule_broken: insufficient_funds`. */
const exampleName = (answer: DocumentedError): string => (typeof answer.example['code'] === 'string' ? `${answer.error}: ${answer.example['code']}` : answer.error);

/**
 * Documents a route's error answers: one response per status, the ErrorBody schema, an example
 * per `error` name (Swagger UI shows them in a list) and the headers that come with it.
 */
export const ApiErrors = (...errors: readonly DocumentedError[]): MethodDecorator & ClassDecorator => {
  const byStatus = new Map<number, DocumentedError[]>();
  for (const error of errors) byStatus.set(error.status, [...(byStatus.get(error.status) ?? []).filter((e) => exampleName(e) !== exampleName(error)), error]);
  return applyDecorators(
    ApiExtraModels(ErrorBody, FieldProblemBody),
    ...[...byStatus].map(([status, answers]) =>
      ApiResponse({
        status,
        description: answers.map((a) => `\`${a.error}\`: ${a.when}`).join('\n\n'),
        ...(RESPONSE_HEADERS[status] ? { headers: RESPONSE_HEADERS[status] } : {}),
        content: {
          'application/json': {
            schema: { $ref: getSchemaPath(ErrorBody) },
            examples: Object.fromEntries(answers.map((a) => [exampleName(a), { summary: a.when, value: a.example }])),
          },
        },
      }),
    ),
  );
};
