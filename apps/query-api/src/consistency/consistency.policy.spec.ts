import type { Reader } from '../access/reader.js';
import { appliedRevision, hasReached, type ProjectedStream } from './consistency.policy.js';

const alice: Reader = { kind: 'customer', subject: 'subject-alice' };
const bob: Reader = { kind: 'customer', subject: 'subject-bob' };
const operator: Reader = { kind: 'operator' };

/** given(what the read model holds of the stream, if anything).when(a reader holds a token for a revision).then… */
const given = (stream?: ProjectedStream) => ({
  when: (reader: Reader, wanted: number) => {
    const applied = appliedRevision(reader, stream);
    const outcome = { applied, reached: hasReached(applied, wanted) };
    return {
      thenReadsOn: (): void => expect(outcome).toEqual({ applied: stream?.revision, reached: true }),
      /** Waits on; at the timeout, 504 with `applied`. */
      thenWaitsSeeing: (expected: number | null): void => expect(outcome).toEqual({ applied: expected, reached: false }),
    };
  },
});

const alicesStream = (revision: number): ProjectedStream => ({ revision, owner: 'subject-alice' });

describe('consistency token policy', () => {
  it('the owner reads on once their stream reaches the revision', () => {
    given(alicesStream(3)).when(alice, 3).thenReadsOn();
    given(alicesStream(4)).when(alice, 3).thenReadsOn();
  });

  it('the owner waits while it has not, and sees how far it got', () => {
    given(alicesStream(2)).when(alice, 3).thenWaitsSeeing(2);
    given(undefined).when(alice, 0).thenWaitsSeeing(null);
  });

  it('a stranger waits on a stream that reached the revision, seeing nothing, as for a stream never projected', () => {
    given(alicesStream(3)).when(bob, 3).thenWaitsSeeing(null);
    given(alicesStream(2)).when(bob, 3).thenWaitsSeeing(null);
    given(undefined).when(bob, 3).thenWaitsSeeing(null);
  });

  it('an operator reads on for any stream', () => {
    given(alicesStream(3)).when(operator, 3).thenReadsOn();
    given({ revision: 0, owner: null }).when(operator, 0).thenReadsOn();
  });

  it('an account from before owners were recorded is nobody’s: a customer waits, seeing nothing', () => {
    given({ revision: 5, owner: null }).when(alice, 1).thenWaitsSeeing(null);
  });
});
