/** Nearest-rank percentile of unsorted samples (0 when there are none). */
export const percentile = (samples: readonly number[], p: number): number => {
  if (samples.length === 0) return 0;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
};

export const median = (values: readonly number[]): number => percentile(values, 50);

/** Seconds since `start` (from `process.hrtime.bigint()`). */
export const secondsSince = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1e9;

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `perWorker` jobs on each of `concurrency` workers; `job(worker, i)` gets the worker and its own job index. */
export const runWorkers = async (concurrency: number, perWorker: number, job: (worker: number, i: number) => Promise<void>): Promise<void> => {
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      for (let i = 0; i < perWorker; i++) await job(worker, i);
    }),
  );
};
