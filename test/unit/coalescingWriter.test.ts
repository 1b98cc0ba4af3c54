import { CoalescingWriter, type EventWriting } from '../../src/tracking/coalescingWriter';
import type { EventWrite, WriteOutcome } from '../../src/tracking/eventWriter';

/** A stand-in statement runner: records each statement's items and answers when told to. */
function fakeWriter() {
  const statements: Array<{ items: EventWrite[]; finish: (error?: Error) => void }> = [];
  const writer: EventWriting = {
    write(items) {
      return new Promise<WriteOutcome[]>((resolve, reject) => {
        statements.push({
          items,
          finish: (error) =>
            error
              ? reject(error)
              : resolve(items.map((item) => ({ row: { title: item.title } as never, occurrenceId: item.title, outboxId: null }))),
        });
      });
    },
  };
  return { writer, statements };
}

const item = (title: string): EventWrite => ({
  subscriberId: '1',
  createdBy: 0,
  provider: 'custom',
  eventKey: 'k',
  title,
  value: '',
  occurredAt: null,
  idempotencyKey: null,
  fireDone: false,
});
const titles = (outcomes: WriteOutcome[]) => outcomes.map((o) => (o.mismatch ? null : o.occurrenceId));
const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('CoalescingWriter', () => {
  test('an idle writer sends a call at once, alone', async () => {
    const { writer, statements } = fakeWriter();
    const coalescing = new CoalescingWriter(writer, { maxConcurrent: 1, maxItems: 100 });
    const pending = coalescing.write([item('a')]);
    expect(statements).toHaveLength(1);
    statements[0].finish();
    expect(titles(await pending)).toEqual(['a']);
  });

  test('calls arriving while the slots are busy are written together, each caller getting its own outcomes', async () => {
    const { writer, statements } = fakeWriter();
    const coalescing = new CoalescingWriter(writer, { maxConcurrent: 1, maxItems: 100 });
    const first = coalescing.write([item('a')]);
    const second = coalescing.write([item('b'), item('c')]);
    const third = coalescing.write([item('d')]);
    expect(statements).toHaveLength(1);
    statements[0].finish();
    await tick();
    expect(statements).toHaveLength(2);
    expect(statements[1].items.map((i) => i.title)).toEqual(['b', 'c', 'd']);
    statements[1].finish();
    expect([titles(await first), titles(await second), titles(await third)]).toEqual([['a'], ['b', 'c'], ['d']]);
  });

  test('a combined statement holds at most maxItems items', async () => {
    const { writer, statements } = fakeWriter();
    const coalescing = new CoalescingWriter(writer, { maxConcurrent: 1, maxItems: 3 });
    const calls = [coalescing.write([item('0')]), coalescing.write([item('1'), item('2')]), coalescing.write([item('3'), item('4')]), coalescing.write([item('5')])];
    statements[0].finish();
    await tick();
    expect(statements[1].items.map((i) => i.title)).toEqual(['1', '2']);
    statements[1].finish();
    await tick();
    expect(statements[2].items.map((i) => i.title)).toEqual(['3', '4', '5']);
    statements[2].finish();
    expect((await Promise.all(calls)).map(titles)).toEqual([['0'], ['1', '2'], ['3', '4'], ['5']]);
  });

  test('when a combined statement fails, each call is retried alone and only the failing one fails', async () => {
    const { writer, statements } = fakeWriter();
    const coalescing = new CoalescingWriter(writer, { maxConcurrent: 1, maxItems: 100 });
    const first = coalescing.write([item('a')]);
    const good = coalescing.write([item('b')]);
    const bad = coalescing.write([item('c')]);
    statements[0].finish();
    await tick();
    statements[1].finish(new Error('foreign key'));
    await tick();
    expect(statements.slice(2).map((s) => s.items.map((i) => i.title))).toEqual([['b'], ['c']]);
    statements[2].finish();
    statements[3].finish(new Error('foreign key'));
    expect(titles(await first)).toEqual(['a']);
    expect(titles(await good)).toEqual(['b']);
    await expect(bad).rejects.toThrow('foreign key');
  });
});
