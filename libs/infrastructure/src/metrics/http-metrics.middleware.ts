import type { NextFunction, Request, Response } from 'express';
import { httpRequestDuration } from './http.metrics.js';

/** Requests no route matched (404s, and refusals answered before routing, as admission's 503s). */
export const UNMATCHED_ROUTE = 'unmatched';

/** The route's template (`/orders/:orderId/cancel`), never the raw URL: ids would make a series per order. */
export const routeTemplate = (req: Pick<Request, 'baseUrl' | 'route'>): string => {
  const path = (req.route as { path?: unknown } | undefined)?.path;
  return typeof path === 'string' ? `${req.baseUrl}${path}` || '/' : UNMATCHED_ROUTE;
};

export const statusClass = (status: number): string => `${Math.floor(status / 100)}xx`;

/** Times every request from arrival to its answer. Mount it first, so refusals are counted too. */
export const httpMetrics = () => (req: Request, res: Response, next: NextFunction): void => {
  const end = httpRequestDuration.startTimer();
  res.once('finish', () => end({ method: req.method, route: routeTemplate(req), status_class: statusClass(res.statusCode) }));
  next();
};
