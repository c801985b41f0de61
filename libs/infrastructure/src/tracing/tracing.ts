import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Link, type Span, type TextMapGetter } from '@opentelemetry/api';

/**
 * The spans the project makes itself, through the OpenTelemetry API only: without the SDK (tracing
 * off, see preload.ts) every call here is a no-op, so code needs no `if (tracing)`.
 */
export const tracer = trace.getTracer('ledger');

/** The `traceparent` of the active span (W3C Trace Context); undefined when nothing is traced. */
export const activeTraceparent = (): string | undefined => {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier['traceparent'];
};

/** The context a stored `traceparent` continues (the root context when there is none). */
export const contextOfTraceparent = (traceparent: string | undefined): Context =>
  traceparent ? propagation.extract(ROOT_CONTEXT, { traceparent }) : ROOT_CONTEXT;

type KafkaHeaderValue = Buffer | string | (Buffer | string)[] | undefined;
const kafkaHeaders: TextMapGetter<Readonly<Record<string, KafkaHeaderValue>>> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => {
    const value = carrier[key];
    if (value === undefined) return undefined;
    return Array.isArray(value) ? value.map(String) : String(value);
  },
};

/** The context a Kafka record's headers carry (its producer's span). */
export const contextOfKafkaHeaders = (headers: Readonly<Record<string, KafkaHeaderValue>> | undefined): Context =>
  headers ? propagation.extract(ROOT_CONTEXT, headers, kafkaHeaders) : ROOT_CONTEXT;

export const failed = (span: Span, error: unknown): void => {
  span.recordException(error instanceof Error ? error : String(error));
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
};

export interface SpanOptions {
  readonly attributes?: Attributes;
  readonly kind?: SpanKind;
  readonly links?: Link[];
  /** The parent; the active context when not given. */
  readonly parent?: Context;
}

/** Runs `work` in a new span, which ends when it settles (with an error status when it throws). */
export const inSpan = async <T>(name: string, options: SpanOptions, work: (span: Span) => Promise<T>): Promise<T> => {
  const span = tracer.startSpan(name, { kind: options.kind ?? SpanKind.INTERNAL, ...(options.attributes ? { attributes: options.attributes } : {}), ...(options.links ? { links: options.links } : {}) }, options.parent ?? context.active());
  try {
    return await context.with(trace.setSpan(options.parent ?? context.active(), span), () => work(span));
  } catch (error) {
    failed(span, error);
    throw error;
  } finally {
    span.end();
  }
};

/** The active span's ids, for log lines; undefined when nothing is traced. */
export const activeSpanIds = (): { traceId: string; spanId: string } | undefined => {
  const spanContext = trace.getActiveSpan()?.spanContext();
  if (!spanContext || !trace.isSpanContextValid(spanContext)) return undefined;
  return { traceId: spanContext.traceId, spanId: spanContext.spanId };
};
