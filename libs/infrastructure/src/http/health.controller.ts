import { Controller, Get, HttpException, Inject } from '@nestjs/common';
import { HEALTH_CHECKS, healthAnswer, type HealthCheck, type NamedResult } from './health.check.js';

/** `GET /health`: runs the app's HEALTH_CHECKS; 200 when all pass, 503 otherwise. */
@Controller('health')
export class HealthController {
  constructor(@Inject(HEALTH_CHECKS) private readonly checks: readonly HealthCheck[]) {}

  @Get()
  async health(): Promise<Record<string, unknown>> {
    const results = await Promise.all(
      this.checks.map(async (check): Promise<NamedResult> => ({ name: check.name, ...(await check.run().catch(() => ({ healthy: false }))) })),
    );
    const answer = healthAnswer(results);
    if (answer.statusCode !== 200) throw new HttpException(answer.body, answer.statusCode);
    return answer.body;
  }
}
