import { parseStreamId } from '#events';
import { accountStatementProjection } from './account-statement.projection.js';
import { orderHistoryProjection } from './order-history.projection.js';
import type { Projection, ProjectionName } from './projection.js';

export const PROJECTIONS: readonly Projection[] = [orderHistoryProjection, accountStatementProjection];

export const projectionNamed = (name: string): Projection => {
  const projection = PROJECTIONS.find((p) => p.name === name);
  if (!projection) throw new Error(`Unknown projection "${name}"; known: ${PROJECTIONS.map((p) => p.name).join(', ')}`);
  return projection;
};

export const isProjectionName = (name: string): name is ProjectionName => PROJECTIONS.some((p) => p.name === name);

export const readsStream = (projection: Projection, streamId: string): boolean =>
  projection.categories.includes(parseStreamId(streamId).category);
