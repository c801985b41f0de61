import type { Pool } from '../postgres/pool.js';

/** Why a failing check makes /health answer an error (`{ statusCode: 503, error, message }`). */
export interface HealthProblem {
  readonly error: string;
  readonly message: string;
}

export interface HealthCheckResult {
  readonly healthy: boolean;
  /** Shown under the check's name in every answer; without one, a 503 report shows `healthy`. */
  readonly detail?: unknown;
  /** When failing: answer this error rather than a report of every check. */
  readonly problem?: HealthProblem;
}

/** A named check of `GET /health`; an app provides its list as HEALTH_CHECKS. */
export interface HealthCheck {
  readonly name: string;
  run(): Promise<HealthCheckResult>;
}

export const HEALTH_CHECKS = Symbol('HEALTH_CHECKS');

export type NamedResult = HealthCheckResult & { readonly name: string };

/**
 * 200 `{ status: 'ok', <name>: detail }` when every check passes. Otherwise 503: the first
 * failing check's problem, or `{ status: 'unavailable', <name>: detail or healthy }` for every check.
 */
export const healthAnswer = (results: readonly NamedResult[]): { statusCode: number; body: Record<string, unknown> } => {
  if (results.every((r) => r.healthy)) {
    const details = results.filter((r) => r.detail !== undefined).map((r): [string, unknown] => [r.name, r.detail]);
    return { statusCode: 200, body: { status: 'ok', ...Object.fromEntries(details) } };
  }
  const problem = results.find((r) => !r.healthy && r.problem)?.problem;
  if (problem) return { statusCode: 503, body: { statusCode: 503, error: problem.error, message: problem.message } };
  return { statusCode: 503, body: { status: 'unavailable', ...Object.fromEntries(results.map((r) => [r.name, r.detail ?? r.healthy])) } };
};

export const DATABASE_UNAVAILABLE: HealthProblem = { error: 'database_unavailable', message: 'PostgreSQL does not answer' };

/** PostgreSQL answers `SELECT 1`; `problem: null` reports a failure in the 503 report instead. */
export const databaseHealthCheck = (pool: Pool, problem: HealthProblem | null = DATABASE_UNAVAILABLE): HealthCheck => ({
  name: 'database',
  run: () => pool.query('SELECT 1').then(
    () => ({ healthy: true }),
    () => ({ healthy: false, ...(problem ? { problem } : {}) }),
  ),
});
