import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { getHeapStatistics } from 'node:v8';

/**
 * Semi-spaces of 32 MB, not 16: a page of events is folded and written before two scavenges have
 * gone by, so less of it is copied into the old space only to be marked and swept there.
 */
const SEMI_SPACE_MB = 32;
/** V8's heap limit is the old space plus the young generation (three semi-spaces): a cap within this much is already set. */
const YOUNG_GENERATION_MB = 3 * SEMI_SPACE_MB + 16;

/**
 * Runs this command line again in a Node process whose old space is capped at `maxOldSpaceMb`
 * (`--max-old-space-size`), unless that is 0 or this process is capped at about that already;
 * resolves to that process's exit code, or to null when the command is to run here.
 *
 * Without a cap V8 sizes its heap from the machine's memory (up to 4 GB) and lets garbage pile up
 * to several times what is live before it collects; what a rebuild holds at once is bounded (its
 * pages of events, the orders the search index writes behind, its bulk requests), so under a cap
 * its memory is bounded too. The cap is set at start: V8 does not take it later.
 */
export const rerunWithHeapCap = async (maxOldSpaceMb: number): Promise<number | null> => {
  if (maxOldSpaceMb === 0 || getHeapStatistics().heap_size_limit / 2 ** 20 <= maxOldSpaceMb + YOUNG_GENERATION_MB) return null;
  const flags = [`--max-old-space-size=${maxOldSpaceMb}`, `--max-semi-space-size=${SEMI_SPACE_MB}`];
  // The IPC channel lets the capped process see this one go, however it goes (see followLauncher).
  const child = spawn(process.execPath, [...process.execArgv, ...flags, ...process.argv.slice(1)], { stdio: ['inherit', 'inherit', 'inherit', 'ipc'] });
  // A terminal's Ctrl-C reaches both processes; a signal sent to this one alone is passed on.
  const forward = (signal: NodeJS.Signals) => (): void => void child.kill(signal);
  const handlers = [['SIGINT', forward('SIGINT')], ['SIGTERM', forward('SIGTERM')]] as const;
  for (const [signal, handler] of handlers) process.on(signal, handler);
  try {
    return await new Promise<number>((resolve, reject) => {
      child.on('error', reject);
      child.on('exit', (code, signal) => resolve(code ?? 128 + (signal ? constants.signals[signal] : 0)));
    });
  } finally {
    for (const [signal, handler] of handlers) process.off(signal, handler);
  }
};

/**
 * In the process `rerunWithHeapCap` started: dies at once when its launcher is gone. A signal the
 * launcher receives is passed on, but a SIGKILL cannot be, and the rebuild would go on, orphaned,
 * beside the one an operator starts next. The IPC channel closes whenever the launcher exits; it
 * does not keep this process alive. Outside such a process, does nothing.
 */
export const followLauncher = (): void => {
  const channel = process.channel;
  if (!channel) return;
  process.once('disconnect', () => process.kill(process.pid, 'SIGKILL'));
  channel.unref();
};
