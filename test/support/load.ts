/** Runs `tasks` with at most `concurrency` in flight; `onDone` sees the running count. */
export const runPool = async (tasks: readonly (() => Promise<void>)[], concurrency: number, onDone?: (done: number) => void): Promise<void> => {
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (next < tasks.length) {
      const task = tasks[next++]!;
      await task();
      onDone?.(++done);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
};
