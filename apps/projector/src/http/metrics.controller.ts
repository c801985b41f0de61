import { Controller, Get, Header } from '@nestjs/common';
import { registry } from '../consumer/metrics.js';

@Controller('metrics')
export class MetricsController {
  @Get()
  @Header('content-type', 'text/plain; version=0.0.4')
  metrics(): Promise<string> {
    return registry.metrics();
  }
}
