import { NodeSDK, tracing } from '@opentelemetry/sdk-node';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { ZipkinExporter } from '@opentelemetry/exporter-zipkin';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { KafkaJsInstrumentation } from '@opentelemetry/instrumentation-kafkajs';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { envDetector, hostDetector } from '@opentelemetry/resources';
import type { Config } from '../config/config.js';

/** Paths polled by probes and scrapers: no trace of their own. */
const UNTRACED_PATHS = /^\/(health|metrics)(\/|\?|$)/;

/** Starts the OpenTelemetry SDK: spans of HTTP, PostgreSQL and Kafka, exported to Zipkin in batches. */
export const startTracing = (config: Pick<Config, 'appName' | 'tracing'>, zipkinEndpoint: string): NodeSDK => {
  const sdk = new NodeSDK({
    serviceName: config.appName,
    // Zipkin has no resource of its own: the exporter copies every resource attribute into every
    // span's tags. The process and OS detectors' dozen (command line, executable, runtime...) made
    // nearly half of each span's bytes; the host's name and id, and OTEL_RESOURCE_ATTRIBUTES, remain.
    resourceDetectors: [envDetector, hostDetector],
    // Traces only. Left unset, the SDK builds an OTLP metrics pipeline (and a logs one) to
    // localhost:4318 that nothing reads, and the HTTP and pg instrumentations record a histogram
    // into it on every request and query; the apps' metrics are Prometheus's, on /metrics.
    metricReaders: [],
    logRecordProcessors: [],
    spanProcessors: [new tracing.BatchSpanProcessor(new ZipkinExporter({ url: zipkinEndpoint, serviceName: config.appName }))],
    sampler: new tracing.ParentBasedSampler({ root: new tracing.TraceIdRatioBasedSampler(config.tracing.sampleRatio) }),
    textMapPropagator: new W3CTraceContextPropagator(),
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (request) => UNTRACED_PATHS.test(request.url ?? ''),
        // Background calls (token refreshes, index checks) would each be a trace of one span.
        requireParentforOutgoingSpans: true,
      }),
      // The relay's polling and the projector's checkpoints run outside any request: no trace of their own.
      // A pooled connection's checkout is a span per query otherwise: a fifth of a command's spans, all near 0 ms.
      new PgInstrumentation({ requireParentSpan: true, ignoreConnectSpans: true }),
      new KafkaJsInstrumentation(),
    ],
  });
  sdk.start();
  return sdk;
};
