import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { context, trace } from '@opentelemetry/api';
import { getRPCMetadata, RPCType } from '@opentelemetry/core';
import type { Request, Response } from 'express';
import { Observable } from 'rxjs';
import { routeTemplate } from '../metrics/http-metrics.middleware.js';
import { failed, tracer } from './tracing.js';

/**
 * A span per Nest handler (`OrdersController.create`), child of the HTTP server span, in whose
 * context the handler runs: what instrumentation-nestjs-core would make, which does not support
 * Nest 12. It also gives the server span its route (`http.route`), which the HTTP
 * instrumentation cannot know, so that span is named `POST /orders` rather than `POST`. A traced
 * response names its trace in `traceresponse` (W3C Trace Context, level 2).
 */
@Injectable()
export class TracingInterceptor implements NestInterceptor {
  intercept(execution: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (execution.getType() !== 'http') return next.handle();
    const name = `${execution.getClass().name}.${execution.getHandler().name}`;
    const server = getRPCMetadata(context.active());
    if (server?.type === RPCType.HTTP) server.route = routeTemplate(execution.switchToHttp().getRequest<Request>());
    return new Observable((subscriber) => {
      const span = tracer.startSpan(name, { attributes: { 'code.function': execution.getHandler().name, 'code.namespace': execution.getClass().name } });
      const { traceId, spanId, traceFlags } = span.spanContext();
      if (trace.isSpanContextValid(span.spanContext())) {
        execution.switchToHttp().getResponse<Response>().setHeader('traceresponse', `00-${traceId}-${spanId}-0${traceFlags}`);
      }
      const subscription = context.with(trace.setSpan(context.active(), span), () =>
        next.handle().subscribe({
          next: (value) => subscriber.next(value),
          error: (error: unknown) => {
            failed(span, error);
            span.end();
            subscriber.error(error);
          },
          complete: () => {
            span.end();
            subscriber.complete();
          },
        }),
      );
      return () => subscription.unsubscribe();
    });
  }
}
