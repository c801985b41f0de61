import { Controller, Get, Header } from '@nestjs/common';
import { NoRateLimit } from '#infra/http/rate-limit.decorators';
import { registry } from '../consumer/metrics.js';

@NoRateLimit()
@Controller('metrics')
export class MetricsController {
  @Get()
  @Header('content-type', 'text/plain; version=0.0.4')
  metrics(): Promise<string> {
    return registry.metrics();
  }
}
