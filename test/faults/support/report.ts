import type { Deposit, LoadStats } from './careful-client.js';

export interface FaultReport {
  readonly scenario: string;
  readonly deposits: number;
  readonly accepted: number;
  readonly refused: number;
  readonly serverErrors: number;
  readonly timeouts: number;
  /** 401s after which the client got a new token. */
  readonly reauthenticated: number;
  /** Longest time without an accepted command, from the start of the fault. */
  readonly longestGapMs: number;
  /** From the end of the fault to the first accepted command. */
  readonly firstAcceptedAfterMs: number | null;
  /** From the end of the fault until every deposit sent before it ended was accepted. */
  readonly backlogAcceptedAfterMs: number | null;
  /** From the end of the fault until a second accepted as many as the median second before it. */
  readonly rateBackAfterMs: number | null;
  lost?: number;
  doubled?: number;
}

const perSecond = (deposits: readonly Deposit[], from: number, to: number): number[] => {
  const buckets = Array.from({ length: Math.max(0, Math.ceil((to - from) / 1000)) }, () => 0);
  for (const d of deposits) if (d.acceptedAt !== null && d.acceptedAt >= from && d.acceptedAt < to) buckets[Math.floor((d.acceptedAt - from) / 1000)]!++;
  return buckets;
};

export const reportOf = (scenario: string, stats: LoadStats, loadStart: number, faultStart: number, faultEnd: number, loadEnd: number): FaultReport => {
  const accepted = stats.deposits.filter((d) => d.acceptedAt !== null);
  const times = [faultStart, ...accepted.map((d) => d.acceptedAt!).filter((t) => t >= faultStart).sort((a, b) => a - b), loadEnd];
  const longestGapMs = times.slice(1).reduce((gap, t, i) => Math.max(gap, t - times[i]!), 0);
  const after = accepted.map((d) => d.acceptedAt!).filter((t) => t >= faultEnd).sort((a, b) => a - b);
  const before = stats.deposits.filter((d) => d.sentAt < faultEnd);
  const backlogDone = before.every((d) => d.acceptedAt !== null) ? Math.max(faultEnd, ...before.map((d) => d.acceptedAt!)) - faultEnd : null;
  const baseline = perSecond(stats.deposits, loadStart, faultStart).sort((a, b) => a - b);
  const median = baseline[Math.floor(baseline.length / 2)] ?? 0;
  const recovery = perSecond(stats.deposits, faultEnd, loadEnd).findIndex((n) => n >= median * 0.9);
  return {
    scenario,
    deposits: stats.deposits.length,
    accepted: accepted.length,
    refused: stats.refused,
    serverErrors: stats.serverErrors,
    timeouts: stats.timeouts,
    reauthenticated: stats.reauthenticated,
    longestGapMs,
    firstAcceptedAfterMs: after.length ? after[0]! - faultEnd : null,
    backlogAcceptedAfterMs: backlogDone,
    rateBackAfterMs: recovery < 0 ? null : (recovery + 1) * 1000,
  };
};
