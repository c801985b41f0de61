import { randomUUID } from 'node:crypto';
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { Actor, DomainCommandMetadata } from '#domain';
import type { AppendMetadata } from '#events';
import { callerOf } from '#infra/auth/caller.decorator';
import type { AuthenticatedRequest, Principal } from '#infra/auth/principal';

/** What a command carries from its HTTP request into handleCommand and the events it appends. */
export interface CommandContext {
  /** Who asks: the deciders' rules are about this actor. */
  readonly actor: Actor;
  /** Stored on every event: the actor (subject and client), correlation, causation, trace, idempotency key. */
  readonly metadata: AppendMetadata;
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

export const commandContext = (headers: Headers, caller: Principal): CommandContext => {
  const correlationId = header(headers, 'x-correlation-id')?.slice(0, 128) || randomUUID();
  const traceparent = header(headers, 'traceparent');
  const idempotencyKey = header(headers, 'idempotency-key');
  const expectedRevision = parseIfMatch(header(headers, 'if-match'));
  return {
    ...(expectedRevision === undefined ? {} : { expectedRevision }),
    actor: { subject: caller.subject, roles: caller.roles },
    metadata: {
      actor: { subject: caller.subject, client: caller.client },
      correlationId,
      causationId: null,
      ...(traceparent ? { traceparent: traceparent.slice(0, 128) } : {}),
      ...(idempotencyKey ? { idempotencyKey } : {}),
    },
  };
};

/** The route parameter decorator: `@FromRequest() context: CommandContext`. */
export const FromRequest = createParamDecorator((_: unknown, ctx: ExecutionContext): CommandContext => {
  const request = ctx.switchToHttp().getRequest<AuthenticatedRequest>();
  return commandContext(request.headers, callerOf(request));
});

/** The domain command's metadata: the time it is decided at, and for whom. */
export const decided = (context: CommandContext): DomainCommandMetadata => ({ now: new Date().toISOString(), actor: context.actor });
