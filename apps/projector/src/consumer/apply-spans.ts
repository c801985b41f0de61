import { context, SpanKind, trace, type Context, type Link, type Span } from '@opentelemetry/api';
import type { EventEnvelope, KnownEvent } from '#events';
import { contextOfKafkaHeaders, contextOfTraceparent, failed, tracer } from '#infra/tracing/tracing';
import type { KafkaMessage } from 'kafkajs';
import type { ApplyOutcome } from '../projections/projection.js';
import type { ProjectionSink } from './projection-consumer.js';

/** The trace an event's work belongs to, for a sink that acts per event (the saga's commands). */
export type TraceOf = (event: EventEnvelope<KnownEvent>) => Context;

/**
 * An `apply <projection>` span per event, child of the relay's producer span from the record's
 * headers (or of the event's stored `traceparent`), so each request's trace goes on into every
 * read model. The consumer uses `eachBatch`, where kafkajs's instrumentation makes the batch its
 * own trace (`poll`, with a link per message): a batch mixes many requests and a span has one
 * parent. Parenting each event's span on its producer keeps one trace per request; the link
 * points back at the batch whose transaction applied it.
 */
export class ApplySpans {
  private readonly spans = new Map<string, { span: Span; context: Context }>();

  constructor(projection: string, events: readonly EventEnvelope<KnownEvent>[], messageOf: ReadonlyMap<string, KafkaMessage>) {
    const batch = trace.getActiveSpan()?.spanContext();
    const links: Link[] = batch && trace.isSpanContextValid(batch) ? [{ context: batch }] : [];
    for (const event of events) {
      const headers = messageOf.get(event.eventId)?.headers;
      const fromHeaders = contextOfKafkaHeaders(headers);
      const parent = trace.getSpanContext(fromHeaders) ? fromHeaders : contextOfTraceparent(event.metadata.traceparent);
      if (!trace.getSpanContext(parent)) continue;
      const span = tracer.startSpan(
        `apply ${projection}`,
        { kind: SpanKind.CONSUMER, links, attributes: { 'ledger.projection': projection, 'ledger.event_type': event.type, 'ledger.event_id': event.eventId, 'ledger.stream_id': event.streamId, 'ledger.stream_revision': event.streamRevision } },
        parent,
      );
      this.spans.set(event.eventId, { span, context: trace.setSpan(parent, span) });
    }
  }

  readonly traceOf: TraceOf = (event) => this.spans.get(event.eventId)?.context ?? context.active();

  /** Ends every span: a rejected event's with its reason, all of them with the error when the chunk failed. */
  end(outcome: ApplyOutcome | null, error?: unknown): void {
    for (const { event, error: reason } of outcome?.rejected ?? []) {
      const entry = this.spans.get(event.eventId);
      if (entry) failed(entry.span, reason);
    }
    for (const { span } of this.spans.values()) {
      if (error !== undefined) failed(span, error);
      span.end();
    }
  }
}

/** The sink's apply of one chunk, with an apply span per event. */
export const applyTraced = async (
  sink: ProjectionSink,
  events: readonly EventEnvelope<KnownEvent>[],
  messageOf: ReadonlyMap<string, KafkaMessage>,
  keepAlive: () => Promise<void>,
  signal: AbortSignal,
): Promise<ApplyOutcome> => {
  const spans = new ApplySpans(sink.name, events, messageOf);
  try {
    const outcome = await sink.apply(events, keepAlive, signal, spans.traceOf);
    spans.end(outcome);
    return outcome;
  } catch (error) {
    spans.end(null, error);
    throw error;
  }
};
