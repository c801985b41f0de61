import { Module, type DynamicModule } from '@nestjs/common';
import { MetricsController } from './metrics.controller.js';
import { collectRuntimeMetrics, labelMetricsWith } from './metrics.registry.js';

/**
 * Serves `GET /metrics` and labels every sample with `app`. Disabled (`METRICS_ENABLED=false`,
 * for measuring their cost), there is no `/metrics` and no runtime metrics are collected.
 */
@Module({})
export class MetricsModule {
  static forRoot(app: 'command-api' | 'query-api' | 'projector', enabled = true): DynamicModule {
    labelMetricsWith(app);
    if (!enabled) return { module: MetricsModule };
    collectRuntimeMetrics();
    return { module: MetricsModule, controllers: [MetricsController] };
  }
}
