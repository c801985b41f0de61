import { readFileSync } from 'node:fs';
import type { Pool } from '#infra/postgres/pool';
import { sleep } from './stats.js';

/** Busy and total CPU time of the whole machine so far (jiffies, from /proc/stat). */
const cpuTimes = (): { busy: number; total: number } => {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).slice(1, 9).map(Number);
  const total = fields.reduce((sum, n) => sum + n, 0);
  const idle = fields[3]! + fields[4]!; // idle and iowait
  return { busy: total - idle, total };
};

/**
 * Waits until the machine is quiet: a second in which its cores were busy less than `maxBusy` of
 * the time, or `maxSeconds` at most. What the scenario before left behind (Kafka deleting the
 * segments of the topics it deleted, PostgreSQL dropping a database and checkpointing,
 * Elasticsearch merging) would otherwise fall on whichever clock starts first. Resolves to the
 * seconds waited and the last second's busy share.
 */
export const quietMachine = async (maxBusy = 0.15, maxSeconds = 60): Promise<{ seconds: number; busy: number }> => {
  const start = Date.now();
  for (;;) {
    const before = cpuTimes();
    await sleep(1000);
    const after = cpuTimes();
    const busy = (after.busy - before.busy) / Math.max(1, after.total - before.total);
    const seconds = (Date.now() - start) / 1000;
    if (busy < maxBusy || seconds >= maxSeconds) return { seconds, busy };
  }
};

/**
 * Before a clock: what the step before wrote is flushed (a checkpoint, not left to fall on the
 * next step's time) and the machine is quiet (Elasticsearch merging, autovacuum).
 */
export const settle = async (pool: Pool): Promise<void> => {
  await pool.query('CHECKPOINT');
  await quietMachine();
};

/**
 * A log just stored, left as autovacuum leaves a log that has been written (hint bits and the
 * visibility map set, statistics taken), then settled: otherwise the first reader of each page
 * sets its hint bits and writes it out again, and autovacuum may start beside it.
 */
export const settleStoredLog = async (pool: Pool): Promise<void> => {
  await pool.query('VACUUM (ANALYZE) events');
  await settle(pool);
};
