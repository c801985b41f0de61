import type { ApiInfo } from '#infra/openapi/api-docs';

/** What /docs says of command-api as a whole; each route describes itself (see shared/command.docs.ts). */
export const COMMAND_API_INFO: ApiInfo = {
  title: 'command-api',
  description:
    'The write side of the ledger: commands on accounts and orders. Every command answers where its stream is now ' +
    '(`streamId`, `revision`, `position`): send `revision` as `If-Match` to make the next command conditional, and ' +
    '`<streamId>@<revision>` as `X-Consistency-Token` to query-api to read your own write. Send an `Idempotency-Key` to retry safely.\n\n' +
    'Every route needs an access token from the identity provider: **Authorize** with it. Amounts are integers of minor units (cents).',
  tags: [
    { name: 'accounts', description: 'Open accounts, deposit and withdraw money' },
    { name: 'orders', description: 'Place, cancel and ship orders (the payment saga pays them)' },
  ],
};
