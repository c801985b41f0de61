import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Config } from '#infra/config/config';
import { metricsRegistry } from '#infra/metrics/metrics.registry';
import { parsePrometheusText } from '#infra/metrics/prometheus-text';
import { CONFIG } from '#infra/nest/config.module';
import { RingBuffer } from './ring-buffer.js';
import { scrape } from './scrape.js';
import { summarize, type Scrape, type SystemStatus } from './system-status.js';

/** Every 2 s for 10 minutes. */
export const SAMPLE_INTERVAL_MS = 2_000;
const SAMPLES_KEPT = 300;

/** What the status page's chart draws: lag at one moment. */
export interface LagSample {
  readonly at: number;
  readonly lagEvents: Readonly<Record<string, number | null>>;
  readonly lagSeconds: Readonly<Record<string, number | null>>;
  readonly relayUnpublished: number | null;
  readonly applied: number;
}

const lagSampleOf = (status: SystemStatus): LagSample => ({
  at: Date.parse(status.at),
  lagEvents: Object.fromEntries((status.projections ?? []).map((p) => [p.projection, p.lagEvents])),
  lagSeconds: Object.fromEntries((status.projections ?? []).map((p) => [p.projection, p.lagSeconds])),
  relayUnpublished: status.relay?.unpublished ?? null,
  applied: (status.projections ?? []).reduce((sum, p) => sum + p.applied, 0),
});

/**
 * Reads the status every few seconds and keeps the lag of the last minutes for the status page:
 * this process's metrics from its own registry, the other apps' over HTTP. Viewers read the last
 * sample, so any number of open pages costs no more scrapes.
 */
@Injectable()
export class StatusSampler implements OnModuleInit, OnModuleDestroy {
  private readonly history = new RingBuffer<LagSample>(SAMPLES_KEPT);
  private current: SystemStatus | null = null;
  private timer: NodeJS.Timeout | undefined;
  private sampling = false;

  constructor(@Inject(CONFIG) private readonly config: Config) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.sample(), SAMPLE_INTERVAL_MS);
    this.timer.unref();
    void this.sample();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  get latest(): { status: SystemStatus | null; history: LagSample[]; sampleIntervalMs: number } {
    return { status: this.current, history: this.history.toArray(), sampleIntervalMs: SAMPLE_INTERVAL_MS };
  }

  private async sample(): Promise<void> {
    if (this.sampling) return;
    this.sampling = true;
    try {
      const urls = this.config.metricsUrls;
      const own: Promise<Scrape> = metricsRegistry.metrics().then(
        (text) => ({ app: 'projector', url: 'this process', samples: parsePrometheusText(text) }),
        (error: unknown) => ({ app: 'projector', url: 'this process', error: String(error) }),
      );
      const scrapes = await Promise.all([scrape('command-api', urls['command-api']), scrape('query-api', urls['query-api']), own]);
      this.current = summarize(scrapes, new Date());
      this.history.push(lagSampleOf(this.current));
    } finally {
      this.sampling = false;
    }
  }
}
