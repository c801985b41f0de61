import { randomUUID } from 'node:crypto';
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { EventMetadata } from '#events';

/** What a command carries from its HTTP request into handleCommand and the events it appends. */
export interface CommandContext {
  readonly metadata: EventMetadata;
  /** From If-Match: the command is conditional. */
  readonly expectedRevision?: number;
}

type Headers = Request['headers'];
const header = (headers: Headers, name: string): string | undefined => {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
};

export class InvalidHeaderError extends Error {}

/** `If-Match: 3` or `If-Match: "3"`: the revision the client last saw. */
export const parseIfMatch = (raw: string | undefined): number | undefined => {
  if (raw === undefined) return undefined;
  const match = /^\s*(?:W\/)?"?(\d{1,15})"?\s*$/.exec(raw);
  if (!match?.[1]) throw new InvalidHeaderError('If-Match must be a stream revision (a non-negative integer)');
  return Number(match[1]);
};

export const commandContext = (headers: Headers): CommandContext => {
  const correlationId = header(headers, 'x-correlation-id')?.slice(0, 128) || randomUUID();
  const traceparent = header(headers, 'traceparent');
  const idempotencyKey = header(headers, 'idempotency-key');
  const expectedRevision = parseIfMatch(header(headers, 'if-match'));
  return {
    ...(expectedRevision === undefined ? {} : { expectedRevision }),
    metadata: {
      correlationId,
      causationId: null,
      ...(traceparent ? { traceparent: traceparent.slice(0, 128) } : {}),
      ...(idempotencyKey ? { idempotencyKey } : {}),
    },
  };
};

/** The route parameter decorator: `@FromRequest() context: CommandContext`. */
export const FromRequest = createParamDecorator((_: unknown, ctx: ExecutionContext): CommandContext => commandContext(ctx.switchToHttp().getRequest<Request>().headers));

/** The domain command's metadata: the time it is decided at. */
export const decidedNow = (): { now: string } => ({ now: new Date().toISOString() });
