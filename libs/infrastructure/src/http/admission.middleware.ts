import type { NextFunction, Request, Response } from 'express';
import { admissionRefusals } from '../metrics/http.metrics.js';
import { RETRY_AFTER_SECONDS } from './overload.js';

export interface AdmissionLimits {
  /** Most requests this process works on at once. */
  readonly maxInFlight: number;
  /** Most requests for one stream at once (they can only be decided one after another). */
  readonly maxInFlightPerStream: number;
}

/** The stream a request acts on, from its path (`/accounts/<id>/…` → `account-<id>`), if any. */
export const streamOfPath = (path: string): string | null => {
  const match = /^\/(accounts|orders)\/([0-9a-fA-F-]{36})(?:\/|$)/.exec(path);
  return match ? `${match[1] === 'accounts' ? 'account' : 'order'}-${match[2]!.toLowerCase()}` : null;
};

/** The client closed its connection: there is nobody to answer, so no work should start for it. */
export const clientGone = (req: Request): boolean => req.socket.destroyed;

const refuse = (res: Response, message: string): void => {
  res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
  res.status(503).json({ statusCode: 503, error: 'overloaded', message });
};

/**
 * Admission control: beyond the bounds a request is refused at once with 503 and Retry-After,
 * never queued, so a burst or a wave of retries cannot pile up work the process can only finish
 * after its clients gave up. A request leaves the count when its answer is sent or its client goes.
 */
export const admissionControl = (limits: AdmissionLimits): ((req: Request, res: Response, next: NextFunction) => void) => {
  let inFlight = 0;
  const perStream = new Map<string, number>();
  return (req, res, next) => {
    if (req.path === '/health' || req.path === '/metrics') return next(); // always answered: they tell the truth about the load
    const stream = streamOfPath(req.path);
    const forStream = stream ? (perStream.get(stream) ?? 0) : 0;
    if (inFlight >= limits.maxInFlight) {
      admissionRefusals.inc({ bound: 'process' });
      return refuse(res, 'Too many requests in flight; retry shortly');
    }
    if (stream && forStream >= limits.maxInFlightPerStream) {
      admissionRefusals.inc({ bound: 'stream' });
      return refuse(res, `Too many requests in flight for ${stream}; retry shortly`);
    }
    inFlight++;
    if (stream) perStream.set(stream, forStream + 1);
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      inFlight--;
      if (!stream) return;
      const left = (perStream.get(stream) ?? 1) - 1;
      if (left > 0) perStream.set(stream, left);
      else perStream.delete(stream);
    };
    res.once('finish', release);
    res.once('close', release);
    next();
  };
};
