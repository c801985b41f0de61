import type { DomainEvent } from '#events';
import type { Command, Decider } from './decider.js';
import { fold } from './decider.js';

/**
 * given(events).when(command).then(events) / .thenThrows(ErrorClass, code?)
 * for a Decider, in the tests of libs/domain.
 */
export const deciderSpec = <C extends Command, E extends DomainEvent, S>(decider: Decider<C, E, S>) => ({
  given: (events: readonly E[]) => ({
    when: (command: C) => {
      const run = (): E[] => decider.decide(command, fold(decider, events));
      return {
        then: (expected: readonly E[]): void => {
          expect(run()).toEqual(expected);
        },
        thenThrows: (error: new (...args: never[]) => Error, code?: string): void => {
          expect(run).toThrow(error);
          if (code !== undefined) {
            try {
              run();
            } catch (thrown) {
              expect(thrown).toMatchObject({ code });
            }
          }
        },
      };
    },
  }),
});
