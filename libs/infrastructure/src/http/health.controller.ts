import { ApiExcludeController } from '@nestjs/swagger';
import { Controller, Get, HttpException, Inject } from '@nestjs/common';
import { Public } from '../auth/authenticated.guard.js';
import { HEALTH_CHECKS, healthAnswer, type HealthCheck, type NamedResult } from './health.check.js';
import { NoRateLimit } from './rate-limit.decorators.js';

/**
 * Readiness, `GET /health` (and `/health/ready`): runs the app's HEALTH_CHECKS; 200 when all pass,
 * 503 otherwise, naming what fails. Liveness, `GET /health/live`: 200 while the process serves
 * HTTP at all; a dependency that is down makes an app unready, never dead (restarting it would not help).
 * Never rate limited: orchestrators and load balancers must always get the truth.
 */
@Public()
@NoRateLimit()
@ApiExcludeController() // for orchestrators and Prometheus, not for API clients
@Controller('health')
export class HealthController {
  constructor(@Inject(HEALTH_CHECKS) private readonly checks: readonly HealthCheck[]) {}

  @Get('live')
  live(): { status: 'alive' } {
    return { status: 'alive' };
  }

  @Get(['', 'ready'])
  async health(): Promise<Record<string, unknown>> {
    const results = await Promise.all(
      this.checks.map(async (check): Promise<NamedResult> => ({ name: check.name, ...(await check.run().catch(() => ({ healthy: false }))) })),
    );
    const answer = healthAnswer(results);
    if (answer.statusCode !== 200) throw new HttpException(answer.body, answer.statusCode);
    return answer.body;
  }
}
