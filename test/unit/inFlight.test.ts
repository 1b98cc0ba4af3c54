import { InFlight } from '../../src/runtime/inFlight';

/** A promise and its switches, to settle work from the test. */
function deferred(): { promise: Promise<void>; resolve: () => void; reject: (error: Error) => void } {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('InFlight (what drain() waits for)', () => {
  test('drain() with nothing in flight resolves at once', async () => {
    await expect(new InFlight().drain()).resolves.toBeUndefined();
  });

  test('drain() waits for every run, failed ones too, and for work started while it waits', async () => {
    const inFlight = new InFlight();
    const first = deferred();
    const failing = deferred();
    const later = deferred();
    void inFlight.run(() => first.promise);
    inFlight.run(() => failing.promise).catch(() => undefined);
    let drained = false;
    const drain = inFlight.drain().then(() => {
      drained = true;
    });

    first.resolve();
    void inFlight.run(() => later.promise); // started by finishing work, before the last one settles
    failing.reject(new Error('listener failed'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(drained).toBe(false);
    expect(inFlight.size).toBe(1);

    later.resolve();
    await drain;
    expect(drained).toBe(true);
    expect(inFlight.size).toBe(0);
  });

  test("run() hands back the work's own promise, rejection included", async () => {
    const inFlight = new InFlight();
    await expect(inFlight.run(() => Promise.resolve(7))).resolves.toBe(7);
    await expect(inFlight.run(() => Promise.reject(new Error('no')))).rejects.toThrow('no');
    await inFlight.drain();
  });
});
