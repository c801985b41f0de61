import { parsePrometheusText } from '#infra/metrics/prometheus-text';
import type { AppName, Scrape } from './system-status.js';

/** Reads one app's `/metrics`; an app that does not answer within `timeoutMs` gives its error instead. */
export const scrape = async (app: AppName, url: string, timeoutMs = 2_000): Promise<Scrape> => {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) return { app, url, error: `answered ${response.status}` };
    return { app, url, samples: parsePrometheusText(await response.text()) };
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return { app, url, error: cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error)) };
  }
};
