import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, totalmem, platform, release } from 'node:os';
import type { Pool } from '#infra/postgres/pool';

/** A target on a figure: a floor for ratios and throughputs, a ceiling for latencies. */
export interface Target {
  readonly on: 'ratio' | 'value';
  readonly atLeast?: number;
  readonly atMost?: number;
}

/** One measured figure, with the baseline it is judged against (measured in the same run). */
export interface Figure {
  readonly scenario: string;
  readonly case: string;
  readonly metric: string;
  readonly value: number;
  readonly unit: string;
  readonly baseline?: { readonly name: string; readonly value: number };
  readonly target?: Target;
  readonly details?: Record<string, unknown>;
}

export interface JudgedFigure extends Figure {
  readonly ratio: number | null;
  readonly met: boolean | null;
}

export const judge = (figure: Figure): JudgedFigure => {
  const ratio = figure.baseline && figure.baseline.value > 0 ? figure.value / figure.baseline.value : null;
  const target = figure.target;
  let met: boolean | null = null;
  if (target) {
    const judged = target.on === 'ratio' ? ratio : figure.value;
    met = judged !== null && (target.atLeast === undefined || judged >= target.atLeast) && (target.atMost === undefined || judged <= target.atMost);
  }
  return { ...figure, ratio, met };
};

const number = (value: number): string =>
  Math.abs(value) >= 1000 ? Math.round(value).toLocaleString('en-US') : value >= 100 ? value.toFixed(0) : value.toFixed(1);

const targetText = (target: Target | undefined): string => {
  if (!target) return '';
  const subject = target.on === 'ratio' ? '' : 'value ';
  if (target.atLeast !== undefined) return `${subject}≥ ${target.atLeast}${target.on === 'ratio' ? '×' : ''}`;
  return `${subject}≤ ${target.atMost ?? ''}`;
};

/** The terminal table: one line per figure. */
export const table = (figures: readonly JudgedFigure[]): string => {
  const rows = [
    ['scenario', 'case', 'figure', 'value', 'baseline', 'ratio', 'target', 'met'],
    ...figures.map((f) => [
      f.scenario,
      f.case,
      f.metric,
      `${number(f.value)} ${f.unit}`,
      f.baseline ? `${number(f.baseline.value)} ${f.unit} (${f.baseline.name})` : '',
      f.ratio === null ? '' : `${f.ratio.toFixed(2)}×`,
      targetText(f.target),
      f.met === null ? '' : f.met ? 'yes' : 'NO',
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: string[]): string => r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
};

const packageVersion = (name: string): string => {
  try {
    return (JSON.parse(readFileSync(`node_modules/${name}/package.json`, 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
};

const gitCommit = (): string => {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
};

/** What the figures were measured on: cores, memory, versions. */
export const machine = async (pool: Pool, elasticsearchUrl: string, kafkaVersion: string): Promise<Record<string, unknown>> => {
  const { rows } = await pool.query<{ server_version: string }>('SHOW server_version');
  // The integ-test distribution has no `GET /`; the local node's info has its version.
  const es = (await fetch(`${elasticsearchUrl}/_nodes/_local?filter_path=nodes.*.version`)
    .then((r) => r.json())
    .catch(() => null)) as { nodes?: Record<string, { version?: string }> } | null;
  const cpuList = cpus();
  return {
    cores: cpuList.length,
    cpuModel: cpuList[0]?.model ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os: `${platform()} ${release()}`,
    node: process.version,
    postgres: rows[0]?.server_version ?? 'unknown',
    kafka: kafkaVersion,
    elasticsearch: Object.values(es?.nodes ?? {})[0]?.version ?? 'unknown',
    packages: Object.fromEntries(['pg', 'kafkajs', '@elastic/elasticsearch', 'autocannon', '@nestjs/core'].map((p) => [p, packageVersion(p)])),
    commit: gitCommit(),
  };
};
