/** Sleeps up to `ms`; `onWake` receives the function that ends the sleep early (a notification). */
export const wakeableSleep = (ms: number, onWake: (wake: () => void) => void): Promise<void> =>
  new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      resolve();
    }
    onWake(done);
  });
