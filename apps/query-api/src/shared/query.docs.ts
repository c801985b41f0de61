import { applyDecorators, type Type } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors, documentedError, GUARDED_ROUTE_ERRORS, HTTP_ERRORS, type DocumentedError } from '#infra/openapi/error-docs';

const EXAMPLE_ID = '0b6f1c2e-4f7a-4d7e-9a43-3f0d8f1f2a10';

/** query-api's own error answers, on top of HTTP_ERRORS. */
export const QUERY_ERRORS = {
  invalidHeader: documentedError(400, 'X-Consistency-Token is malformed', { error: 'invalid_header', message: 'X-Consistency-Token must be <order|account>-<uuid>@<revision>' }),
  forbidden: documentedError(403, 'The caller is neither a customer nor an operator (the payment service reads nothing here)', {
    error: 'forbidden',
    message: 'Only customers and operators may read here',
  }),
  notFound: (what: string): DocumentedError =>
    documentedError(404, `No such ${what.toLowerCase()}, or not one the caller may see (the same answer, so ids cannot be probed)`, {
      error: 'not_found',
      message: `${what} ${EXAMPLE_ID} is not known (yet)`,
    }),
  consistencyTimeout: documentedError(504, 'The read model has not applied the X-Consistency-Token revision within the wait; `applied` says how far it is', {
    error: 'consistency_timeout',
    message: `account-${EXAMPLE_ID} is projected up to revision 2, not yet 3; retry later`,
    wanted: 3,
    applied: 2,
  }),
  searchUnavailable: documentedError(503, 'Elasticsearch is slow or failing (the other routes still answer)', {
    error: 'search_unavailable',
    message: 'Search is unavailable (Elasticsearch is failing); retry later',
  }),
} as const;

const CONSISTENCY_TOKEN = ApiHeader({
  name: 'X-Consistency-Token',
  required: false,
  description:
    "Read your own write: `<streamId>@<revision>` from a command's answer. The request waits (bounded) until the read model has applied " +
    `that revision, else answers 504. For example \`account-${EXAMPLE_ID}@1\`.`,
  schema: { type: 'string', pattern: '^(order|account)-[0-9a-fA-F-]{36}@\\d{1,15}$' },
});

export interface QueryDocs {
  readonly tag: 'accounts' | 'orders';
  readonly summary: string;
  readonly description: string;
  readonly reply: Type;
  readonly idParam?: { readonly name: string; readonly description: string; readonly uuid: boolean };
  readonly errors: readonly DocumentedError[];
}

/** The description of a read route: the consistency header, the answer, and every error answer. */
export const DocumentQuery = (docs: QueryDocs): MethodDecorator =>
  applyDecorators(
    ApiTags(docs.tag),
    ApiOperation({ summary: docs.summary, description: docs.description }),
    ...(docs.idParam
      ? [ApiParam({ name: docs.idParam.name, description: docs.idParam.description, schema: docs.idParam.uuid ? { type: 'string', format: 'uuid', example: EXAMPLE_ID } : { type: 'string', minLength: 1, maxLength: 100 } })]
      : []),
    CONSISTENCY_TOKEN,
    ApiResponse({ status: 200, description: 'Found', type: docs.reply }),
    ApiErrors(HTTP_ERRORS.validationFailed, QUERY_ERRORS.invalidHeader, ...GUARDED_ROUTE_ERRORS, QUERY_ERRORS.forbidden, QUERY_ERRORS.consistencyTimeout, ...docs.errors),
  );
