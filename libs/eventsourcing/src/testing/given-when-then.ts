import type { DomainEvent } from '#events';
import { fold, type Command, type Decider, type Workflow } from '../decider.js';

type ErrorClass = new (...args: never[]) => Error;

const expectThrows = (run: () => unknown, error: ErrorClass, code?: string): void => {
  expect(run).toThrow(error);
  if (code === undefined) return;
  try {
    run();
  } catch (thrown) {
    expect(thrown).toMatchObject({ code });
  }
};

/** given(events).when(command).then(events) / .thenThrows(ErrorClass, code?) for a Decider. */
export const deciderSpec = <C extends Command, E extends DomainEvent, S>(decider: Decider<C, E, S>) => ({
  given: (events: readonly E[]) => ({
    when: (command: C) => {
      const run = (): E[] => decider.decide(command, fold(decider, events));
      return {
        then: (expected: readonly E[]): void => {
          expect(run()).toEqual(expected);
        },
        thenThrows: (error: ErrorClass, code?: string): void => expectThrows(run, error, code),
      };
    },
  }),
});

/**
 * given(inputs).when(input).then(commands to send) / .thenState(state) / .thenThrows(ErrorClass)
 * for a Workflow: the state is the fold of the given inputs.
 */
export const workflowSpec = <I, S, Send>(workflow: Workflow<I, S, Send>) => ({
  given: (inputs: readonly I[]) => ({
    when: (input: I) => {
      const state = (): S => inputs.reduce(workflow.evolve, workflow.initialState);
      const run = (): Send[] => workflow.decide(input, state());
      return {
        then: (expected: readonly Send[]): void => {
          expect(run()).toEqual(expected);
        },
        thenState: (expected: S): void => {
          expect(workflow.evolve(state(), input)).toEqual(expected);
        },
        thenThrows: (error: ErrorClass): void => expectThrows(run, error),
      };
    },
  }),
});
