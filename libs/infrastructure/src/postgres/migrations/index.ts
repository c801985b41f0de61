import { eventStore } from './001-event-store.js';
import { readModels } from './002-read-models.js';
import { relayCheckpoints } from './003-relay.js';
import { idempotencyKeys } from './004-idempotency.js';
import { paymentSaga } from './005-payment-saga.js';
import { groupCommit } from './006-group-commit.js';
import { parkedStreams } from './007-parked-streams.js';
import { owners } from './008-owners.js';
import { aggregateSnapshots } from './009-aggregate-snapshots.js';
import { revisionsFromEvents } from './010-revisions-from-events.js';

export interface Migration {
  readonly id: string;
  readonly sql: string;
}

/** In order of application; never edit one that has shipped, add the next. */
export const MIGRATIONS: readonly Migration[] = [eventStore, readModels, relayCheckpoints, idempotencyKeys, paymentSaga, groupCommit, parkedStreams, owners, aggregateSnapshots, revisionsFromEvents];
