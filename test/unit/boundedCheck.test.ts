import { BoundedCheck } from '../../src/ops/boundedCheck';

/** A probe that answers only when told, counting how often it was started. */
function gatedProbe() {
  const releases: Array<(value: string) => void> = [];
  const probe = () => new Promise<string>((resolve) => releases.push(resolve));
  return { probe, releases };
}

describe('BoundedCheck: one probe at a time, reused briefly, waited for at most a timeout', () => {
  test('callers arriving while a probe runs share it: one probe, one answer for all', async () => {
    const { probe, releases } = gatedProbe();
    const check = new BoundedCheck(probe, { timeoutMs: 60_000, reuseMs: 0, onTimeout: () => 'timeout', onError: () => 'error' });
    const answers = Promise.all(Array.from({ length: 10 }, () => check.get()));
    expect(releases).toHaveLength(1);
    releases[0]('ok');
    expect(await answers).toEqual(Array(10).fill('ok'));
  });

  test('a probe that does not answer in time gives onTimeout(); later callers do not start a second one while it runs', async () => {
    const { probe, releases } = gatedProbe();
    const check = new BoundedCheck(probe, { timeoutMs: 20, reuseMs: 0, onTimeout: () => 'timeout', onError: () => 'error' });
    expect(await check.get()).toBe('timeout');
    expect(await check.get()).toBe('timeout');
    expect(releases).toHaveLength(1);
    releases[0]('late');
    await new Promise((resolve) => setImmediate(resolve));
    // Its late answer is not thrown away: the next caller within reuseMs… here reuseMs is 0, so a new probe starts.
    const next = check.get();
    expect(releases).toHaveLength(2);
    releases[1]('fresh');
    expect(await next).toBe('fresh');
  });

  test('a failing probe answers onError(error); an answer is reused for reuseMs', async () => {
    let calls = 0;
    const check = new BoundedCheck(
      async () => {
        calls += 1;
        if (calls === 1) throw new Error('refused');
        return 'ok';
      },
      { timeoutMs: 1_000, reuseMs: 60_000, onTimeout: () => 'timeout', onError: (error) => `error: ${(error as Error).message}` },
    );
    expect(await check.get()).toBe('error: refused');
    expect(await check.get()).toBe('error: refused'); // reused
    expect(calls).toBe(1);
  });
});
