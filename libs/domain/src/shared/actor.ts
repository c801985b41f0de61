import type { Command } from '#eventsourcing';
import { ForbiddenError } from './errors.js';

/** The roles the domain's rules speak of. */
export type ActorRole = 'customer' | 'operator' | 'payment-service';

/**
 * Who asks for a command: the verified caller's subject and roles. Every domain command carries
 * one; the deciders decide who may do what with it, not the HTTP layer.
 */
export interface Actor {
  readonly subject: string;
  readonly roles: readonly ActorRole[];
}

export const hasRole = (actor: Actor, role: ActorRole): boolean => actor.roles.includes(role);

/** Refuses (403) unless the actor holds one of `roles`: a rule about the role, whatever the target. */
export const requireRole = (actor: Actor, roles: readonly ActorRole[], what: string): void => {
  if (!roles.some((role) => hasRole(actor, role))) throw new ForbiddenError(`Only ${roles.join(' or ')} may ${what}`);
};

/** What every domain command carries besides its data: when it is decided, and for whom. */
export interface DomainCommandMetadata {
  readonly now: string;
  readonly actor: Actor;
}

export type DomainCommand<TType extends string, TData> = Command<TType, TData> & { readonly metadata: DomainCommandMetadata };
