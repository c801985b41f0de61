import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Config } from '#infra/config/config';
import { Waiters } from '#infra/http/waiters';
import { CONFIG } from '#infra/nest/config.module';
import { PgNotifications } from '#infra/postgres/notifications';

/** The channel on which an Idempotency-Key's answer (or its release) is announced, with the key as payload. */
export const IDEMPOTENCY_CHANNEL = 'idempotency_key_settled';

/**
 * Requests waiting for a duplicate with the same Idempotency-Key to finish: woken by one shared
 * LISTEN (from any command-api process), capped in number, instead of each polling the database.
 */
@Injectable()
export class KeyWaiters implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly waiters: Waiters;
  private readonly notifications: PgNotifications;

  constructor(@Inject(CONFIG) config: Config) {
    this.waiters = new Waiters(config.maxWaiters);
    this.notifications = new PgNotifications(config);
    this.notifications.on(IDEMPOTENCY_CHANNEL, (key) => this.waiters.wake(key));
  }

  onApplicationBootstrap(): void {
    this.notifications.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.notifications.stop();
  }

  /** Until the key is settled somewhere, or `timeoutMs` (a fallback should a notification be missed). */
  wait(key: string, timeoutMs: number): Promise<void> {
    return this.waiters.wait(key, timeoutMs);
  }
}
