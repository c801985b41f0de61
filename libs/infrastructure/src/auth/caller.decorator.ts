import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { principalOf, type AuthenticatedRequest, type Principal } from './principal.js';

/** The verified caller of a request the authentication guard let through. */
export const callerOf = (request: AuthenticatedRequest): Principal => {
  const caller = principalOf(request);
  // Only a @Public route, or an app without AuthModule, gets here without one: a wiring fault (500), never a guest.
  if (!caller) throw new Error(`${request.method} ${request.path} was reached without an authenticated caller`);
  return caller;
};

/** The route parameter decorator: `@Caller() caller: Principal`. */
export const Caller = createParamDecorator((_: unknown, context: ExecutionContext): Principal => callerOf(context.switchToHttp().getRequest<AuthenticatedRequest>()));
