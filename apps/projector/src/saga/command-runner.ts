import { CURRENT_SCHEMA_VERSION, upcastEnvelope, type EventMetadata, type KnownEvent } from '#events';
import type { Command, Decider } from '#domain';
import { WrongExpectedRevisionError, type EventStore } from '#infra/event-store/event-store.port';
import { nameBasedUuid } from '#infra/ids/name-based-uuid';

/** A UUID (version-5 layout) from a name: the same step of the same saga always gets the same id. */
export const deterministicId = (name: string): string => nameBasedUuid(`ledger:saga:${name}`);

/**
 * Runs a command the way command-api does (read, fold, decide, append at the revision read),
 * retrying when a concurrent writer got there first. The events get ids derived from `step`,
 * so the same step can never be appended twice (the store's event ids are unique), on top of the
 * deciders' own once-only rules. Returns how many events it appended (0: nothing was due).
 */
export const runCommand = async <C extends Command, E extends KnownEvent, S>(
  store: EventStore,
  decider: Decider<C, E, S>,
  streamId: string,
  command: C,
  step: string,
  metadata: EventMetadata,
): Promise<number> => {
  for (let attempt = 1; ; attempt++) {
    const history = await store.readStream(streamId);
    const state = history.map((e) => upcastEnvelope(e) as unknown as E).reduce(decider.evolve, decider.initialState);
    const events = decider.decide(command, state);
    if (events.length === 0) return 0;
    try {
      await store.append(
        streamId,
        events.map((event, i) => ({
          eventId: deterministicId(`${step}:${i}`),
          type: event.type,
          schemaVersion: CURRENT_SCHEMA_VERSION[event.type],
          occurredAt: command.metadata.now,
          data: event.data,
          metadata,
        })),
        history.length ? history[history.length - 1]!.streamRevision : 'no_stream',
      );
      return events.length;
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError) || attempt >= 20) throw error;
    }
  }
};
