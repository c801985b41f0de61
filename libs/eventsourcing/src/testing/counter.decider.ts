import type { DomainEvent } from '#events';
import type { Command, Decider } from '../decider.js';

/** A counter that refuses to go past 10: the smallest decider that exercises every path of the write path. */
export type Added = DomainEvent<'Added', { n: number }>;
export type Add = Command<'Add', { n: number }>;
export const counter: Decider<Add, Added, number> = {
  decide: (command, total) => {
    if (total + command.data.n > 10) throw new Error('limit');
    return command.data.n === 0 ? [] : [{ type: 'Added', data: { n: command.data.n } }];
  },
  evolve: (total, event) => total + event.data.n,
  initialState: 0,
};
