import { Gauge, Registry } from 'prom-client';
import { collectWithin, metricsRegistry, sharedWithin } from './metrics.registry.js';

const failures = async (collector: string): Promise<number> =>
  (await metricsRegistry.getSingleMetric('metrics_collect_failures_total')!.get()).values.find((v) => v.labels['collector'] === collector)?.value ?? 0;

describe('collectWithin', () => {
  it('runs the query and keeps what it set', async () => {
    const registry = new Registry();
    const gauge: Gauge = new Gauge({ name: 'ok_gauge', help: 'h', registers: [registry], collect: () => collectWithin('ok', () => Promise.resolve(void gauge.set(3)), () => gauge.reset()) });
    expect(await registry.metrics()).toContain('ok_gauge 3');
  });

  it('shows no stale value, and counts the failure, when its query takes longer than the timeout', async () => {
    const registry = new Registry();
    const gauge: Gauge = new Gauge({
      name: 'slow_gauge',
      help: 'h',
      registers: [registry],
      collect: () => collectWithin('slow', () => new Promise<void>((resolve) => setTimeout(resolve, 500)).then(() => gauge.set(1)), () => gauge.set(NaN), 20),
    });
    gauge.set(7);
    const started = Date.now();
    const text = await registry.metrics();
    expect(Date.now() - started).toBeLessThan(400);
    expect(text).toMatch(/^slow_gauge nan$/im);
    expect(await failures('slow')).toBe(1);
  });

  it('counts a failing query the same way', async () => {
    await collectWithin('failing', () => Promise.reject(new Error('down')), () => undefined);
    expect(await failures('failing')).toBe(1);
  });
});

describe('sharedWithin', () => {
  it('reads once for the gauges of one scrape, again after the time to live, and again after a failure', async () => {
    let reads = 0;
    let fail = false;
    const read = sharedWithin(50, () => (++reads, fail ? Promise.reject(new Error('down')) : Promise.resolve(reads)));
    expect(await Promise.all([read(), read()])).toEqual([1, 1]);
    await new Promise((resolve) => setTimeout(resolve, 60));
    fail = true;
    await expect(read()).rejects.toThrow('down');
    fail = false;
    expect(await read()).toBe(3);
  });
});
