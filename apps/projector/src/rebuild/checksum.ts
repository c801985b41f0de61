import type { Pool } from '#infra/postgres/pool';
import { qualified, type Projection } from '../projections/projection.js';

/**
 * A digest of the projection's tables in `schema`: md5 over every row as text, in key order,
 * optionally only the rows of the given ids. Equal read models have equal checksums.
 */
export const readModelChecksum = async (pool: Pool, projection: Projection, schema: string, ids?: readonly string[]): Promise<string> => {
  const parts: string[] = [];
  for (const table of projection.tables) {
    const where = ids ? `WHERE t.${projection.idColumn} = ANY($1)` : '';
    const { rows } = await pool.query<{ digest: string | null; n: string }>(
      `SELECT md5(string_agg(t::text, E'\\n' ORDER BY t::text)) AS digest, count(*) AS n FROM ${qualified(schema, table)} t ${where}`,
      ids ? [ids] : [],
    );
    parts.push(`${table}:${rows[0]?.n ?? 0}:${rows[0]?.digest ?? 'empty'}`);
  }
  return parts.join(' ');
};
