import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { context, trace } from '@opentelemetry/api';
import type { Response } from 'express';
import { Observable } from 'rxjs';
import { failed, tracer } from './tracing.js';

/**
 * A span per Nest handler (`OrdersController.create`), child of the HTTP server span, in whose
 * context the handler runs: what instrumentation-nestjs-core would make, which does not support
 * Nest 12. A traced response names its trace in `traceresponse` (W3C Trace Context, level 2).
 */
@Injectable()
export class TracingInterceptor implements NestInterceptor {
  intercept(execution: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (execution.getType() !== 'http') return next.handle();
    const name = `${execution.getClass().name}.${execution.getHandler().name}`;
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
