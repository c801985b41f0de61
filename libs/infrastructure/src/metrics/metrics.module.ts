import { Module, type DynamicModule } from '@nestjs/common';
import { MetricsController } from './metrics.controller.js';
import { labelMetricsWith } from './metrics.registry.js';

/** Serves `GET /metrics` and labels every sample with `app`. */
@Module({})
export class MetricsModule {
  static forRoot(app: 'command-api' | 'query-api' | 'projector'): DynamicModule {
    labelMetricsWith(app);
    return { module: MetricsModule, controllers: [MetricsController] };
  }
}
