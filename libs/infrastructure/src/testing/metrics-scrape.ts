import { execFileSync, spawnSync } from 'node:child_process';

/** `GET /metrics` of an app under test: its status, content type and text. */
export const scrapeMetrics = async (base: string): Promise<{ status: number; contentType: string | null; text: string }> => {
  const response = await fetch(`${base}/metrics`);
  return { status: response.status, contentType: response.headers.get('content-type'), text: await response.text() };
};

/** The families a scrape declares (`# TYPE <name> <type>`), with their types. */
export const metricFamilies = (text: string): Map<string, string> =>
  new Map([...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => [m[1]!, m[2]!]));

/** The value of the first sample of `name` whose labels include all of `labels`; undefined when there is none. */
export const sampleValue = (text: string, name: string, labels: Record<string, string> = {}): number | undefined => {
  for (const m of text.matchAll(/^(\w+)(?:\{(.*)\})? (\S+)$/gm)) {
    if (m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1]!, l[2]!]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[3]);
  }
  return undefined;
};

/** promtool: where `infra.sh promtool-path` says it is (fetched when missing), asked once per test file. */
let promtoolPath: string | undefined;
const promtool = (): string => (promtoolPath ??= execFileSync('bash', ['docker/local/infra.sh', 'promtool-path'], { encoding: 'utf8' }).trim());

/** prom-client's default gauges named like counters: not ours to rename, and promtool says so. */
const PROM_CLIENT_DEFAULTS = /^nodejs_active_(handles|requests|resources)_total non-counter metrics should not have "_total" suffix$/;

/**
 * `promtool check metrics` on a scrape: the problems it finds, but for prom-client's own default
 * names. Throws when promtool cannot parse the text at all (exit 1) or does not run.
 */
export const promtoolProblems = (text: string): string[] => {
  const run = spawnSync(promtool(), ['check', 'metrics'], { input: text, encoding: 'utf8' });
  if (run.error) throw run.error;
  const output = `${run.stdout}${run.stderr}`.trim();
  // 0: clean; 3: lint problems only.
  if (run.status !== 0 && run.status !== 3) throw new Error(`promtool check metrics failed (${run.status}): ${output}`);
  return output.split('\n').filter((line) => line && !PROM_CLIENT_DEFAULTS.test(line));
};
