import { context, propagation, SpanKind, trace, type Span } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import { contextOfTraceparent, failed, tracer } from '../tracing/tracing.js';
import type { OutgoingRecord } from './kafka-message.js';

/**
 * The relay sends from its own loop, long after the request that appended the event, and one
 * produce request carries the events of many requests. kafkajs's instrumentation makes one
 * context the parent of every message of a `sendBatch` and writes it into all their headers;
 * grouping the sends by trace would cost the relay its batching. So the relay makes the producer
 * spans itself: one `send <topic>` per record, child of the `traceparent` its event was stored
 * with, and written into that record's headers; the instrumentation is kept out of these sends.
 */
export const producing = async <T>(records: readonly OutgoingRecord[], produce: (records: readonly OutgoingRecord[]) => Promise<T>): Promise<T> => {
  const spans: Span[] = [];
  const traced = records.map((record) => {
    const parent = contextOfTraceparent(record.traceparent);
    if (!trace.getSpanContext(parent)) return record;
    const span = tracer.startSpan(
      `send ${record.topic}`,
      { kind: SpanKind.PRODUCER, attributes: { 'messaging.system': 'kafka', 'messaging.destination.name': record.topic, 'messaging.kafka.message.key': record.key, 'ledger.event_id': record.event.eventId } },
      parent,
    );
    spans.push(span);
    const headers = { ...record.headers };
    propagation.inject(trace.setSpan(parent, span), headers);
    return { ...record, headers };
  });
  try {
    return await unrecorded(() => produce(traced));
  } catch (error) {
    for (const span of spans) failed(span, error);
    throw error;
  } finally {
    for (const span of spans) span.end();
  }
};

/** Runs `send` with the instrumentation's own spans (and header injection) suppressed. */
export const unrecorded = <T>(send: () => Promise<T>): Promise<T> => context.with(suppressTracing(context.active()), send);
