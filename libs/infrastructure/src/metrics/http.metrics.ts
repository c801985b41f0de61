import { Counter, Histogram } from 'prom-client';
import { metricsRegistry } from './metrics.registry.js';

export const httpRequestDuration = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'HTTP requests answered, by method, route template and status class (rate, errors and latency)',
  labelNames: ['method', 'route', 'status_class'],
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [metricsRegistry],
});

export const admissionRefusals = new Counter({
  name: 'http_admission_refused_total',
  help: 'Requests refused with 503 by admission control, by the bound they met (process or stream)',
  labelNames: ['bound'],
  registers: [metricsRegistry],
});

export const rateLimitRefusals = new Counter({
  name: 'http_rate_limited_total',
  help: 'Requests refused with 429, by the rate-limit class they exceeded',
  labelNames: ['limit'],
  registers: [metricsRegistry],
});
