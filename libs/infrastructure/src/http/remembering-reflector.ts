import { Reflector } from '@nestjs/core';

type Targets = Parameters<Reflector['getAllAndOverride']>[1];

/**
 * A route's metadata is fixed once the app has started, yet @nestjs/throttler's guard looks it up
 * for every request: six keys for each limit, on the handler and then its class, about 3% of
 * command-api's CPU at saturation. This reflector looks each key up once per handler and class
 * (a handler inherited by two controllers has each one's answers) and answers from memory after.
 */
export class RememberingReflector extends Reflector {
  private readonly known = new WeakMap<object, WeakMap<object, Map<unknown, unknown>>>();

  override getAllAndOverride<TResult = unknown, TKey = unknown>(metadataKey: TKey, targets: Targets): TResult {
    const [handler, owner] = targets;
    if (targets.length !== 2 || !handler || !owner) return super.getAllAndOverride<TResult, TKey>(metadataKey, targets);
    let byOwner = this.known.get(handler);
    if (!byOwner) this.known.set(handler, (byOwner = new WeakMap()));
    let answers = byOwner.get(owner);
    if (!answers) byOwner.set(owner, (answers = new Map()));
    if (!answers.has(metadataKey)) answers.set(metadataKey, super.getAllAndOverride<TResult, TKey>(metadataKey, targets));
    return answers.get(metadataKey) as TResult;
  }
}
