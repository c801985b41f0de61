import type { ApiInfo } from '#infra/openapi/api-docs';

/** What /docs says of query-api as a whole; each route describes itself (see shared/query.docs.ts). */
export const QUERY_API_INFO: ApiInfo = {
  title: 'query-api',
  description:
    'The read side of the ledger: accounts, statements, orders and order search, from the read models (eventually consistent). ' +
    'A customer reads what is theirs, an operator everything. Send `X-Consistency-Token: <streamId>@<revision>` ' +
    "(from a command's answer) to wait until the read model has applied that write.\n\n" +
    'Every route needs an access token from the identity provider: **Authorize** with it.',
  tags: [
    { name: 'accounts', description: 'Accounts and their statements' },
    { name: 'orders', description: 'Orders, by id, by customer, and searched' },
  ],
};
