import { StreamQueue } from './stream-queue.js';

const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 1));

describe('StreamQueue', () => {
  it('runs the work of one stream in turn, in the order it came, never two at once', async () => {
    const queue = new StreamQueue();
    const log: string[] = [];
    let running = 0;
    await Promise.all(
      [1, 2, 3, 4].map((n) =>
        queue.run('s', async () => {
          running++;
          expect(running).toBe(1);
          log.push(`start ${n}`);
          await tick();
          log.push(`end ${n}`);
          running--;
        }),
      ),
    );
    expect(log).toEqual(['start 1', 'end 1', 'start 2', 'end 2', 'start 3', 'end 3', 'start 4', 'end 4']);
    expect(queue.busyStreams).toBe(0);
  });

  it('lets different streams run at the same time', async () => {
    const queue = new StreamQueue();
    let running = 0;
    let most = 0;
    const work = async (): Promise<void> => {
      most = Math.max(most, ++running);
      await tick();
      running--;
    };
    await Promise.all([queue.run('a', work), queue.run('b', work), queue.run('c', work)]);
    expect(most).toBe(3);
  });

  it('goes on after a failure, which reaches only its own caller', async () => {
    const queue = new StreamQueue();
    const failed = queue.run('s', () => Promise.reject(new Error('no')));
    const next = queue.run('s', () => Promise.resolve('yes'));
    await expect(failed).rejects.toThrow('no');
    await expect(next).resolves.toBe('yes');
  });
});
