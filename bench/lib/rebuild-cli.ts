import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { secondsSince } from './stats.js';

/** The built operator CLI, as `ledger` runs it (the bench builds it with the rest). */
const CLI = fileURLToPath(new URL('../../apps/projector/src/cli/cli.js', import.meta.url));

const procText = (path: string): string => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return ''; // the process has ended
  }
};

/** A process and its descendants, from /proc (Linux). */
const processTree = (pid: number): number[] => [
  pid,
  ...procText(`/proc/${pid}/task/${pid}/children`).split(/\s+/).filter(Boolean).map(Number).flatMap(processTree),
];

/** The highest resident set size the process has had so far (VmHWM), in kB; 0 once it has ended. */
const highWaterKb = (pid: number): number => Number(/^VmHWM:\s+(\d+) kB/m.exec(procText(`/proc/${pid}/status`))?.[1] ?? 0);

export interface CliRebuild {
  /** The rebuild's own time, as the CLI reports it (from its pool's creation to the swap). */
  readonly seconds: number;
  /** From the spawn to the exit: Node's start and module loading included. */
  readonly processSeconds: number;
  readonly read: number;
  readonly applied: number;
  /**
   * Peak resident memory, in MB: the sum of each process's high-water mark (VmHWM, sampled every
   * 50 ms from /proc) over the process tree (a launcher and the process it starts count both),
   * or the rebuilding process's own peak as it reports it, whichever is higher.
   */
  readonly peakMb: number;
  readonly stdout: string;
}

/**
 * Runs `ledger projections rebuild <args>` in a process of its own, with the bench's environment,
 * as an operator runs it: its time and its peak resident memory, not this process's.
 */
export const rebuildWithCli = async (args: readonly string[]): Promise<CliRebuild> => {
  const start = process.hrtime.bigint();
  const child = spawn(process.execPath, [CLI, 'projections', 'rebuild', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const peaks = new Map<number, number>();
  const sample = (): void => {
    if (child.pid === undefined) return;
    for (const pid of processTree(child.pid)) peaks.set(pid, Math.max(peaks.get(pid) ?? 0, highWaterKb(pid)));
  };
  const timer = setInterval(sample, 50);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (exitCode, signal) => resolve(exitCode ?? (signal ? 128 : null)));
  }).finally(() => clearInterval(timer));
  const processSeconds = secondsSince(start);
  if (code !== 0) throw new Error(`projections rebuild ${args.join(' ')} exited with ${code}:\n${stderr.slice(-2000)}`);
  const summary = /read (\d+) events, applied (\d+), rejected \d+, peak RSS (\d+) MB, in ([\d.]+) s/.exec(stdout);
  if (!summary) throw new Error(`projections rebuild ${args.join(' ')}: no summary in its output:\n${stdout.slice(-2000)}`);
  const sampledMb = [...peaks.values()].reduce((sum, kb) => sum + kb, 0) / 1024;
  return {
    seconds: Number(summary[4]),
    processSeconds,
    read: Number(summary[1]),
    applied: Number(summary[2]),
    peakMb: Math.max(sampledMb, Number(summary[3])),
    stdout,
  };
};
