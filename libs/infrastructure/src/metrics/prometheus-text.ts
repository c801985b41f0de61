/** One sample of a scrape: `name{labels} value`. */
export interface MetricSample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+-?\d+)?$/;
const LABEL = /\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?/y;

const unescape = (value: string): string => value.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));

const parseValue = (text: string): number => {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  return Number(text); // NaN stays NaN
};

const parseLabels = (text: string): Record<string, string> | null => {
  const labels: Record<string, string> = {};
  LABEL.lastIndex = 0;
  while (LABEL.lastIndex < text.length) {
    const match = LABEL.exec(text);
    if (!match) return null;
    labels[match[1]!] = unescape(match[2]!);
  }
  return labels;
};

/**
 * The samples of Prometheus's text exposition format (what `GET /metrics` serves); comments,
 * blank lines and malformed lines are skipped.
 */
export const parsePrometheusText = (text: string): MetricSample[] => {
  const samples: MetricSample[] = [];
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const match = SAMPLE.exec(trimmed);
    if (!match) continue;
    const labels = match[2] === undefined ? {} : parseLabels(match[2]);
    if (labels) samples.push({ name: match[1]!, labels, value: parseValue(match[3]!) });
  }
  return samples;
};
