import { context, propagation, trace } from '@opentelemetry/api';
import { node, tracing } from '@opentelemetry/sdk-node';
import { pino } from 'pino';
import { createLogger } from './logger.js';

/** The lines `logger` writes while `work` runs, parsed (pino writes each at once, to the stream all loggers share). */
const linesWrittenBy = (logger: pino.Logger, work: () => void): Record<string, unknown>[] => {
  const stream = (logger as unknown as Record<symbol, { write: (line: string) => unknown }>)[pino.symbols.streamSym]!;
  const lines: string[] = [];
  const write = stream.write;
  stream.write = (line: string) => lines.push(line);
  try {
    work();
  } finally {
    stream.write = write;
  }
  return lines.map((line) => JSON.parse(line) as Record<string, unknown>);
};

describe('log lines and traces', () => {
  // The SDK's own tracer provider and context manager (AsyncLocalStorage), as the apps register them.
  const provider = new node.NodeTracerProvider({ spanProcessors: [new tracing.SimpleSpanProcessor(new tracing.InMemorySpanExporter())] });
  const log = createLogger('logger-spec');
  beforeAll(() => provider.register());
  afterAll(async () => {
    await provider.shutdown();
    trace.disable();
    context.disable();
    propagation.disable();
  });

  it("carry the active span's trace and span ids", () => {
    let ids: { traceId: string; spanId: string } | undefined;
    const lines = linesWrittenBy(log, () =>
      trace.getTracer('logger-spec').startActiveSpan('deposit', (span) => {
        ids = { traceId: span.spanContext().traceId, spanId: span.spanContext().spanId };
        log.info({ accountId: 'a-1' }, 'deposited');
        span.end();
      }),
    );
    expect(ids?.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(lines).toEqual([expect.objectContaining({ msg: 'deposited', accountId: 'a-1', component: 'logger-spec', ...ids })]);
  });

  it('in a child span, carry the child span id', () => {
    const tracer = trace.getTracer('logger-spec');
    let ids: { traceId: string; spanId: string } | undefined;
    const lines = linesWrittenBy(log, () =>
      tracer.startActiveSpan('command', (parent) => {
        tracer.startActiveSpan('append', (child) => {
          ids = { traceId: child.spanContext().traceId, spanId: child.spanContext().spanId };
          log.warn('appending');
          child.end();
        });
        parent.end();
      }),
    );
    expect(lines).toEqual([expect.objectContaining({ msg: 'appending', ...ids })]);
  });

  it('carry no ids outside a span', () => {
    const [line] = linesWrittenBy(log, () => log.info('untraced'));
    expect(line).toEqual(expect.objectContaining({ msg: 'untraced' }));
    expect(line).not.toHaveProperty('traceId');
    expect(line).not.toHaveProperty('spanId');
  });
});
