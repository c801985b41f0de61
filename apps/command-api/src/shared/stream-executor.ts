import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { CURRENT_SCHEMA_VERSION, upcastEnvelope, type KnownEvent } from '#events';
import type { Command, Decider } from '#domain';
import { config } from '#infra/config/config';
import { WrongExpectedRevisionError, type EventStore, type StoredEvent } from '#infra/event-store/event-store.port';
import { EVENT_STORE } from '#infra/nest/event-store.module';
import type { RequestContext } from './request-context.js';

export interface CommandResult {
  readonly streamId: string;
  readonly revision: number;
  readonly position: string;
}

/**
 * The last event appended under this Idempotency-Key within its lifetime, if any: a request
 * executed again after its first attempt stopped between the append and recording the answer.
 */
/** How often a command without If-Match is decided again after losing a race. */
const RETRIES = 10;

const alreadyAppended = (history: readonly StoredEvent[], key: string | undefined): StoredEvent | undefined => {
  if (!key) return undefined;
  const since = Date.now() - config.idempotencyTtlMs;
  return history.findLast((e) => e.metadata.idempotencyKey === key && Date.parse(e.occurredAt) >= since);
};

/**
 * The whole write path of a command: read the stream, fold it, decide, append at the revision
 * read (so a concurrent writer makes this append fail rather than both succeed).
 */
@Injectable()
export class StreamExecutor {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute<C extends Command, E extends KnownEvent, S>(
    decider: Decider<C, E, S>,
    streamId: string,
    command: C,
    context: RequestContext,
  ): Promise<CommandResult> {
    // Without If-Match the client asked for the command, not for a revision: when another writer
    // (a client, the payment saga) got there first, decide again on the new state. With If-Match,
    // the conflict is the answer (409).
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.attempt(decider, streamId, command, context);
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError) || context.ifMatch !== undefined || attempt >= RETRIES) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt)); // full jitter, so racers spread out
      }
    }
  }

  private async attempt<C extends Command, E extends KnownEvent, S>(
    decider: Decider<C, E, S>,
    streamId: string,
    command: C,
    context: RequestContext,
  ): Promise<CommandResult> {
    const history = await this.store.readStream(streamId);
    const current = history.length ? history[history.length - 1]!.streamRevision : null;
    const done = alreadyAppended(history, context.metadata.idempotencyKey);
    if (done) return { streamId, revision: done.streamRevision, position: done.globalPosition };
    if (context.ifMatch !== undefined && context.ifMatch !== current) {
      throw new WrongExpectedRevisionError(streamId, context.ifMatch, current);
    }
    const state = history.map((e) => upcastEnvelope(e) as unknown as E).reduce(decider.evolve, decider.initialState);
    const events = decider.decide(command, state);
    if (events.length === 0 && history.length) {
      const last = history[history.length - 1]!;
      return { streamId, revision: last.streamRevision, position: last.globalPosition };
    }
    const result = await this.store.append(
      streamId,
      events.map((event) => ({
        eventId: randomUUID(),
        type: event.type,
        schemaVersion: CURRENT_SCHEMA_VERSION[event.type],
        occurredAt: command.metadata.now,
        data: event.data,
        metadata: context.metadata,
      })),
      current === null ? 'no_stream' : current,
    );
    return { streamId, revision: result.nextRevision, position: result.globalPosition };
  }
}
