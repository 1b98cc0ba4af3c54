import { AdmissionGate } from '../../src/runtime/admissionGate';

describe('AdmissionGate', () => {
  test('at most maxActive holders; a release lets the next in, a repeated release does nothing', () => {
    const gate = new AdmissionGate({ maxActive: 2, maxQueued: 0, maxWaitMs: 0 });
    const a = gate.tryEnter();
    const b = gate.tryEnter();
    expect(a && b).toBeTruthy();
    expect(gate.tryEnter()).toBeNull();
    a!();
    a!(); // released twice (response sent and socket closed): one place, not two
    expect(gate.inUse).toBe(1);
    const c = gate.tryEnter();
    expect(c).not.toBeNull();
    expect(gate.tryEnter()).toBeNull();
  });

  test('waiters are admitted first come, first served; the line is bounded', async () => {
    const gate = new AdmissionGate({ maxActive: 1, maxQueued: 2, maxWaitMs: 60_000 });
    const first = gate.tryEnter()!;
    const order: string[] = [];
    const second = gate.enter().then((release) => (order.push('second'), release));
    const third = gate.enter().then((release) => (order.push('third'), release));
    expect(await gate.enter()).toBeNull(); // the line is full
    expect(gate.queued).toBe(2);
    first();
    (await second)!();
    (await third)!();
    expect(order).toEqual(['second', 'third']);
    expect(gate.inUse).toBe(0);
    expect(gate.queued).toBe(0);
  });

  test('a waiter that waits past maxWaitMs is refused and leaves the line', async () => {
    jest.useFakeTimers();
    try {
      const gate = new AdmissionGate({ maxActive: 1, maxQueued: 1, maxWaitMs: 1_000 });
      const held = gate.tryEnter()!;
      const waiting = gate.enter();
      jest.advanceTimersByTime(1_000);
      expect(await waiting).toBeNull();
      expect(gate.queued).toBe(0);
      held();
      expect(gate.inUse).toBe(0);
    } finally {
      jest.useRealTimers();
    }
  });

  test('run releases its place when the work fails', async () => {
    const gate = new AdmissionGate({ maxActive: 1, maxQueued: 0, maxWaitMs: 0 });
    await expect(gate.run(() => Promise.reject(new Error('boom')), () => new Error('busy'))).rejects.toThrow('boom');
    expect(gate.inUse).toBe(0);
    const held = gate.tryEnter()!;
    await expect(gate.run(async () => 1, () => new Error('busy'))).rejects.toThrow('busy');
    held();
  });

  test.each([
    [{ maxActive: 0, maxQueued: 0, maxWaitMs: 0 }],
    [{ maxActive: 1, maxQueued: -1, maxWaitMs: 0 }],
    [{ maxActive: 1.5, maxQueued: 0, maxWaitMs: 0 }],
    [{ maxActive: 1, maxQueued: 0, maxWaitMs: Number.NaN }],
  ])('refuses bad limits %j', (limits) => {
    expect(() => new AdmissionGate(limits)).toThrow(TypeError);
  });
});
