import { ACCOUNT_STATEMENT_PARKED, ORDER_HISTORY_PARKED, parkedStreamsDdl } from '../../read-models/parked-streams.table.js';

/** Streams a projection parked at a gap in their revisions, and the events waiting behind it. */
export const parkedStreams = {
  id: '007-parked-streams',
  sql: `
    ${parkedStreamsDdl('public', ORDER_HISTORY_PARKED)}
    ${parkedStreamsDdl('public', ACCOUNT_STATEMENT_PARKED)}
  `,
};
