import { applyDecorators, type Type } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiHeader, ApiOperation, ApiParam, ApiProperty, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors, documentedError, GUARDED_ROUTE_ERRORS, HTTP_ERRORS, type DocumentedError } from '#infra/openapi/error-docs';

const EXAMPLE_ID = '0b6f1c2e-4f7a-4d7e-9a43-3f0d8f1f2a10';

/** What every command answers: where its stream is now, for If-Match and X-Consistency-Token. */
export class CommandReplyBody {
  @ApiProperty({ example: `account-${EXAMPLE_ID}`, description: 'The stream the command appended to: `<category>-<id>`' })
  streamId!: string;

  @ApiProperty({ type: 'integer', nullable: true, example: 1, description: "The stream's revision after the command (If-Match for the next one; `X-Consistency-Token: <streamId>@<revision>` for reads)" })
  revision!: number | null;

  @ApiProperty({ type: 'string', nullable: true, example: '4711', description: 'The global position of its last event (a 64-bit integer as a string)' })
  position!: string | null;
}

export class AccountOpenedBody extends CommandReplyBody {
  @ApiProperty({ format: 'uuid', example: EXAMPLE_ID })
  accountId!: string;
}

export class OrderCreatedBody extends CommandReplyBody {
  @ApiProperty({ format: 'uuid', example: EXAMPLE_ID, description: 'The new order (its stream is `order-<orderId>`)' })
  orderId!: string;
}

/** command-api's own error answers, on top of HTTP_ERRORS. */
export const COMMAND_ERRORS = {
  malformedJson: documentedError(400, 'The body is not valid JSON', { error: 'malformed_json', message: 'The body is not valid JSON' }),
  invalidHeader: documentedError(400, 'If-Match or Idempotency-Key is malformed', {
    error: 'invalid_header',
    message: 'If-Match must be a stream revision (a non-negative integer)',
  }),
  invalidCommand: documentedError(400, 'The command breaks a rule about its own values', {
    error: 'invalid_command',
    code: 'zero_total',
    message: 'An order must cost something',
  }),
  forbidden: documentedError(403, "The caller's role may not send this command", { error: 'forbidden', code: 'forbidden', message: 'Only customer may open accounts' }),
  customerMismatch: documentedError(403, "`customerId` is not the caller's own id", {
    error: 'forbidden',
    code: 'customer_mismatch',
    message: 'customerId must be your own id (the subject of your token), or be left out',
  }),
  notFound: documentedError(404, 'No such stream, or not one the caller may act on (the same answer, so ids cannot be probed)', {
    error: 'not_found',
    code: 'not_found',
    message: `Account ${EXAMPLE_ID} does not exist`,
  }),
  concurrencyConflict: documentedError(409, 'If-Match named another revision than the stream is at: read it again, decide again', {
    error: 'concurrency_conflict',
    message: `Stream account-${EXAMPLE_ID} is at revision 4, expected 3`,
    streamId: `account-${EXAMPLE_ID}`,
    currentRevision: 4,
  }),
  keyInProgress: documentedError(409, 'A request with this Idempotency-Key is still running after 5 s', {
    error: 'idempotency_key_in_progress',
    message: 'A request with this Idempotency-Key is still running; retry shortly',
  }),
  payloadTooLarge: documentedError(413, 'The body is larger than 64 kB', { error: 'payload_too_large', message: 'The body is larger than 64 kB' }),
  unsupportedMediaType: documentedError(415, 'The body is not sent as application/json', { error: 'unsupported_media_type', message: 'Send the body as application/json' }),
  keyReused: documentedError(422, 'This Idempotency-Key was used before with another route or body', {
    error: 'idempotency_key_reused',
    message: 'This Idempotency-Key was used with another request (route or body)',
  }),
  ruleBroken: (code: string, message: string): DocumentedError => documentedError(422, `A business rule refuses the command (\`${code}\`, …)`, { error: 'rule_broken', code, message }),
} as const;

const IDEMPOTENCY_KEY = ApiHeader({
  name: 'Idempotency-Key',
  required: false,
  description:
    'Makes a retry safe: the first request with a key executes; a retry with the same key and body gets the same answer again ' +
    '(with `Idempotent-Replayed: true`) without executing. Keys are per caller, kept for a day; 1 to 255 visible ASCII characters, ' +
    'e.g. a UUID the client makes for each command.',
  schema: { type: 'string', pattern: '^[\\x21-\\x7e]{1,255}$' },
});
const IF_MATCH = ApiHeader({
  name: 'If-Match',
  required: false,
  description: "Makes the command conditional: it applies only if the stream is still at this revision (a command's `revision`, e.g. `3`), else 409.",
  schema: { type: 'string', pattern: '^(W/)?"?\\d{1,15}"?$' },
});
const CORRELATION_ID = ApiHeader({
  name: 'X-Correlation-Id',
  required: false,
  description: "Stored on the command's events (at most 128 characters); a new one when absent.",
  schema: { type: 'string', maxLength: 128 },
});

export interface CommandDocs {
  readonly tag: 'accounts' | 'orders';
  readonly summary: string;
  readonly description: string;
  readonly reply: Type;
  /** The path's stream id parameter, for commands on an existing stream (they take If-Match too). */
  readonly streamParam?: { readonly name: string; readonly description: string };
  readonly errors: readonly DocumentedError[];
  /** A body with no fields: described as `{}`. */
  readonly emptyBody?: boolean;
}

/** The description of a command route: headers, reply, and every error answer. */
export const DocumentCommand = (docs: CommandDocs): MethodDecorator =>
  applyDecorators(
    ApiTags(docs.tag),
    ApiOperation({ summary: docs.summary, description: docs.description }),
    ApiConsumes('application/json'),
    ...(docs.emptyBody ? [ApiBody({ required: false, schema: { type: 'object', additionalProperties: false, example: {} } })] : []),
    ...(docs.streamParam ? [ApiParam({ name: docs.streamParam.name, description: docs.streamParam.description, schema: { type: 'string', format: 'uuid', example: EXAMPLE_ID } }), IF_MATCH] : []),
    IDEMPOTENCY_KEY,
    CORRELATION_ID,
    ApiResponse({
      status: 201,
      description: 'Done (or, with an Idempotency-Key seen before, done before)',
      type: docs.reply,
      headers: { 'Idempotent-Replayed': { description: '`true` when this is the answer kept for an Idempotency-Key', schema: { type: 'string', enum: ['true'] } } },
    }),
    ApiErrors(
      HTTP_ERRORS.validationFailed,
      COMMAND_ERRORS.malformedJson,
      COMMAND_ERRORS.invalidHeader,
      ...GUARDED_ROUTE_ERRORS,
      COMMAND_ERRORS.payloadTooLarge,
      COMMAND_ERRORS.unsupportedMediaType,
      COMMAND_ERRORS.keyInProgress,
      COMMAND_ERRORS.keyReused,
      ...(docs.streamParam ? [COMMAND_ERRORS.notFound, COMMAND_ERRORS.concurrencyConflict] : []),
      ...docs.errors,
    ),
  );
