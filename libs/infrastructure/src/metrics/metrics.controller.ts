import { ApiExcludeController } from '@nestjs/swagger';
import { Controller, Get, Header } from '@nestjs/common';
import { Public } from '../auth/authenticated.guard.js';
import { NoRateLimit } from '../http/rate-limit.decorators.js';
import { metricsRegistry } from './metrics.registry.js';

/** `GET /metrics`: this process's metrics in Prometheus's text format, for anyone, never limited. */
@Public()
@NoRateLimit()
@ApiExcludeController() // for orchestrators and Prometheus, not for API clients
@Controller('metrics')
export class MetricsController {
  @Get()
  @Header('content-type', metricsRegistry.contentType)
  metrics(): Promise<string> {
    return metricsRegistry.metrics();
  }
}
