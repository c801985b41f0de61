import type { DomainEvent } from '#events';
import type { CommandResult, HandleCommandOptions } from './command-options.js';
import type { Command, Decider } from './decider.js';
import type { EventStore } from './event-store.port.js';
import { StreamWriter } from './stream-writer.js';

export type { CommandResult, HandleCommandOptions } from './command-options.js';

/**
 * The one write path for a single command, with no cache: read the stream, fold it, decide,
 * append at the revision read, so that a concurrent writer makes this append fail rather than
 * both succeed. A command without an expected revision asked for the outcome, not for a revision:
 * after a lost race it is decided again on the new state. With one, the conflict is the answer.
 * Every attempt writes the same event ids, so an append that committed although it was reported
 * as failed is found in the stream and answered, never applied twice. A process that keeps
 * streams folded, and queues commands per stream, uses a `StreamWriter` instead.
 */
export const handleCommand = <C extends Command, E extends DomainEvent, S>(
  store: EventStore,
  decider: Decider<C, E, S>,
  streamId: string,
  command: C,
  options: HandleCommandOptions<E>,
): Promise<CommandResult> => new StreamWriter({ store }).submit(decider, streamId, command, options);
