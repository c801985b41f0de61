import { context, metrics, propagation, trace } from '@opentelemetry/api';
import type { NodeSDK } from '@opentelemetry/sdk-node';
import { startTracing } from './tracing.sdk.js';

/** What the SDK stamps on a span, read from the span itself (the SDK's spans carry their resource). */
const resourceOf = (span: unknown): Record<string, unknown> => (span as { resource: { attributes: Record<string, unknown> } }).resource.attributes;

describe('startTracing', () => {
  let sdk: NodeSDK;
  beforeAll(() => {
    // Nothing listens there: no span is exported in this test.
    sdk = startTracing({ appName: 'tracing-sdk-spec', tracing: { zipkinEndpoint: 'http://127.0.0.1:9/api/v2/spans', sampleRatio: 1 } }, 'http://127.0.0.1:9/api/v2/spans');
  });
  afterAll(async () => {
    await sdk.shutdown().catch(() => undefined); // its last export finds nobody listening
    trace.disable();
    context.disable();
    propagation.disable();
    metrics.disable();
  });

  it('records traces', () => {
    const span = trace.getTracer('spec').startSpan('probe');
    span.end();
    expect(span.isRecording()).toBe(false); // ended
    expect(trace.isSpanContextValid(span.spanContext())).toBe(true);
    expect(span.spanContext().traceFlags & 1).toBe(1); // sampled
  });

  it('builds no metrics pipeline: the instrumentations record no histogram per request (the apps export Prometheus metrics of their own)', () => {
    // Left to its defaults, NodeSDK registers an SDK MeterProvider with an OTLP exporter to localhost:4318.
    expect(metrics.getMeterProvider().constructor.name).toBe('NoopMeterProvider');
  });

  it('stamps each span with the service and its host, not with the process and OS detectors', () => {
    const span = trace.getTracer('spec').startSpan('probe');
    span.end();
    const attributes = resourceOf(span);
    expect(attributes).toMatchObject({ 'service.name': 'tracing-sdk-spec', 'host.name': expect.any(String) });
    for (const dropped of ['process.command_args', 'process.executable.path', 'process.runtime.version', 'os.type']) expect(attributes).not.toHaveProperty([dropped]);
  });
});
