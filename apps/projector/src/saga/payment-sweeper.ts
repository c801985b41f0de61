import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Config } from '#infra/config/config';
import { createLogger } from '#infra/logging/logger';
import { CONFIG } from '#infra/nest/config.module';
import { PaymentSagaRunner } from './payment-saga.runner.js';

const log = createLogger('payment-saga');

/** Times out overdue payments every second, when this process runs the payment saga. */
@Injectable()
export class PaymentSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    @Inject(PaymentSagaRunner) private readonly saga: PaymentSagaRunner,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.projections.includes('payment-saga')) return;
    let running = false;
    this.timer = setInterval(() => {
      if (running) return;
      running = true;
      this.saga
        .cancelOverdue()
        .catch((error: unknown) => log.warn({ err: error }, 'payment timeout sweep failed'))
        .finally(() => (running = false));
    }, 1_000);
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
