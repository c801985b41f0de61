/**
 * Runs work for one stream after the work before it for that stream has settled: commands for a
 * busy stream that arrive together in one process are decided in turn against fresh state,
 * instead of racing each other into conflicts and deciding again and again. Streams do not wait
 * for each other.
 */
export class StreamQueue {
  private readonly tails = new Map<string, Promise<void>>();

  run<T>(streamId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(streamId) ?? Promise.resolve();
    const result = previous.then(work);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(streamId, tail);
    void tail.then(() => {
      if (this.tails.get(streamId) === tail) this.tails.delete(streamId);
    });
    return result;
  }

  /** Streams with work queued or running (for tests and metrics). */
  get busyStreams(): number {
    return this.tails.size;
  }
}
