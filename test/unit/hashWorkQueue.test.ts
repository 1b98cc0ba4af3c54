import { HashQueueFullError, HashWorkQueue } from '../../src/auth/hashWorkQueue';

/** Work that finishes when the test says so, recording the order it started in. */
function gatedWork(started: string[]) {
  const gates: Array<() => void> = [];
  const work = (label: string) => () =>
    new Promise<string>((resolve) => {
      started.push(label);
      gates.push(() => resolve(label));
    });
  const finishOne = async () => {
    gates.shift()?.();
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { work, finishOne };
}

describe('HashWorkQueue', () => {
  test('runs at most `running` at once, queues up to `waiting`, refuses beyond with HashQueueFullError', async () => {
    const started: string[] = [];
    const { work, finishOne } = gatedWork(started);
    const queue = new HashWorkQueue({ running: 2, waiting: 3, waitingPerClient: 3 });
    const results = ['a1', 'a2', 'b1', 'c1', 'd1'].map((label) => queue.run(label[0], work(label)));
    await expect(queue.run('e', work('e1'))).rejects.toBeInstanceOf(HashQueueFullError);
    expect(queue.stats()).toEqual({ running: 2, waiting: 3, started: 2 });
    for (let i = 0; i < 5; i += 1) await finishOne();
    expect(await Promise.all(results)).toEqual(['a1', 'a2', 'b1', 'c1', 'd1']);
    expect(queue.stats()).toEqual({ running: 0, waiting: 0, started: 5 });
  });

  test('one client may hold only `waitingPerClient` places, so others still get in', async () => {
    const started: string[] = [];
    const { work, finishOne } = gatedWork(started);
    const queue = new HashWorkQueue({ running: 1, waiting: 10, waitingPerClient: 2 });
    const flood = Array.from({ length: 10 }, (_, i) => queue.run('flood', work(`f${i}`)).catch((error: unknown) => error));
    const other = queue.run('other', work('o1'));
    expect(queue.stats()).toEqual({ running: 1, waiting: 3, started: 1 });
    for (let i = 0; i < 4; i += 1) await finishOne();
    expect(await other).toBe('o1');
    const outcomes = await Promise.all(flood);
    expect(outcomes.filter((outcome) => outcome instanceof HashQueueFullError)).toHaveLength(7);
  });

  test('waiting work is served round-robin by client: a flood delays another client by one of its hashes', async () => {
    const started: string[] = [];
    const { work, finishOne } = gatedWork(started);
    const queue = new HashWorkQueue({ running: 1, waiting: 20, waitingPerClient: 20 });
    const all = Array.from({ length: 10 }, (_, i) => queue.run('flood', work(`f${i}`)));
    all.push(queue.run('other', work('o1')));
    for (let i = 0; i < 11; i += 1) await finishOne();
    await Promise.all(all);
    expect(started.indexOf('o1')).toBe(2); // f0 was running, f1 was first in line, then o1
  });

  test('a failed hash frees its place', async () => {
    const queue = new HashWorkQueue({ running: 1, waiting: 0, waitingPerClient: 0 });
    await expect(queue.run('a', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await queue.run('a', async () => 'next')).toBe('next');
  });
});
