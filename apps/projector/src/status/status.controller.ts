import { Controller, Get, Header, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Public } from '#infra/auth/authenticated.guard';
import { NoRateLimit } from '#infra/http/rate-limit.decorators';
import { STATUS_PAGE, STATUS_PAGE_CSP } from './status-page.js';
import { StatusSampler, type LagSample } from './status.sampler.js';
import type { SystemStatus } from './system-status.js';

/** `GET /status` (a page) and `GET /status.json`: the figures of `ledger status`, for anyone, like /metrics. */
@Public()
@NoRateLimit()
@Controller()
export class StatusController {
  constructor(private readonly sampler: StatusSampler) {}

  @Get('status')
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('cache-control', 'no-store')
  page(@Res({ passthrough: true }) response: Response): string {
    // Replaces helmet's `default-src 'none'` for this page only.
    response.setHeader('content-security-policy', STATUS_PAGE_CSP);
    return STATUS_PAGE;
  }

  @Get('status.json')
  @Header('cache-control', 'no-store')
  json(): { status: SystemStatus | null; history: LagSample[]; sampleIntervalMs: number } {
    return this.sampler.latest;
  }
}
