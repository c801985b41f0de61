import { readStatus } from '../status/read-status.js';
import { renderStatus } from '../status/status-screen.js';
import type { AppName } from '../status/system-status.js';

const CLEAR_SCREEN = '\x1b[2J\x1b[H';

/** Prints the status once, or, with an interval, again and again on a cleared screen until Ctrl-C. */
export const watchStatus = async (urls: Readonly<Record<AppName, string>>, intervalMs: number | null): Promise<void> => {
  if (intervalMs === null) {
    console.log(renderStatus(await readStatus(urls)));
    return;
  }
  if (!Number.isFinite(intervalMs) || intervalMs < 100) throw new Error('--interval must be a number of seconds, at least 0.1');
  process.once('SIGINT', () => process.exit(0));
  for (;;) {
    const started = Date.now();
    const screen = renderStatus(await readStatus(urls));
    process.stdout.write(`${process.stdout.isTTY ? CLEAR_SCREEN : '\n'}${screen}\n\n(refreshing every ${intervalMs / 1000} s; Ctrl-C to stop)\n`);
    await new Promise((done) => setTimeout(done, Math.max(0, intervalMs - (Date.now() - started))));
  }
};
