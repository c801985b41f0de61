import type { NextFunction, Request, Response } from 'express';

/** A POST with a body must say it is JSON: anything else is a 415, not a guess. */
export const requireJsonBody = (req: Request, res: Response, next: NextFunction): void => {
  const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
  if (req.method === 'POST' && hasBody && !req.is('application/json')) {
    res.status(415).json({ statusCode: 415, error: 'unsupported_media_type', message: 'Send the body as application/json' });
    return;
  }
  next();
};
