import { Module, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import type { Config } from '../config/config.js';
import { CONFIG } from '../nest/config.module.js';
import { AuthenticatedGuard } from './authenticated.guard.js';
import { AuthenticationMiddleware } from './authentication.middleware.js';
import { TokenVerifier } from './token-verifier.js';

/**
 * Every route of the app needs a verified bearer token, but those marked @Public (health,
 * metrics). Import it after the rate limits, so that floods without a token are limited too.
 */
@Module({
  providers: [
    { provide: TokenVerifier, inject: [CONFIG], useFactory: (config: Config) => new TokenVerifier(config.oidc) },
    { provide: APP_GUARD, useClass: AuthenticatedGuard },
  ],
  exports: [TokenVerifier],
})
export class AuthModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(AuthenticationMiddleware).forRoutes('*path');
  }
}
