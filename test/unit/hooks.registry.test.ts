import {
  createHookRegistry,
  HOOKS,
  TRACK_EVENT_ACTIVITY,
  type HookRegistry,
} from '../../hooks';

// The registry's mechanics are exercised on loose (non-fluent_crm/) names, whose arguments may have
// any shape; the fluent_crm/ names are typed by HookMap (test/types/hooks.types.ts).
const PLUGIN_ACTION = 'my_plugin/track_event_activity';
const PLUGIN_EVENT = 'my_plugin/event_tracked';

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

let hooks: HookRegistry;
let consoleError: jest.SpyInstance;

beforeEach(() => {
  hooks = createHookRegistry();
  consoleError = jest.spyOn(console, 'error').mockImplementation(() => undefined);
});

afterEach(() => {
  // Everything is validated before the engine sees it, so the engine never logs.
  expect(consoleError).not.toHaveBeenCalled();
  consoleError.mockRestore();
});

describe('hook names', () => {
  it('exposes the PHP-style names as constants and as one object', () => {
    expect(HOOKS).toEqual({
      TRACK_EVENT_ACTIVITY: 'fluent_crm/track_event_activity',
      TRACK_EVENT_ACTIVITY_DONE: 'fluent_crm/track_event_activity_done',
      EVENT_TRACKED: 'fluent_crm/event_tracked',
      TRACK_EVENT_ACTIVITY_FAILED: 'fluent_crm/track_event_activity_failed',
      LISTENER_FAILED: 'fluent_crm/listener_failed',
    });
    expect(TRACK_EVENT_ACTIVITY).toBe(HOOKS.TRACK_EVENT_ACTIVITY);
  });
});

describe('actions', () => {
  it('runs a callback registered under a PHP-style name with the arguments', () => {
    const calls: Array<[number, number]> = [];
    // Typed parameters need no cast.
    hooks.addAction(PLUGIN_ACTION, 'test', (event: { id: number }, subscriber: { id: number }) => {
      calls.push([event.id, subscriber.id]);
    });

    hooks.doAction(PLUGIN_ACTION, { id: 1 }, { id: 2 });

    expect(calls).toEqual([[1, 2]]);
  });

  it('reports hasAction, didAction, removeAction and removeAllActions', () => {
    expect(hooks.hasAction(PLUGIN_EVENT)).toBe(false);
    expect(hooks.didAction(PLUGIN_EVENT)).toBe(0);

    hooks.doAction(PLUGIN_EVENT);
    expect(hooks.didAction(PLUGIN_EVENT)).toBe(1);
    // Running a hook does not make it "have" an action (upstream would say true here).
    expect(hooks.hasAction(PLUGIN_EVENT)).toBe(false);

    hooks.addAction(PLUGIN_EVENT, 'vendor/plugin', () => undefined);
    hooks.addAction(PLUGIN_EVENT, 'vendor/plugin', () => undefined, 5);
    hooks.addAction(PLUGIN_EVENT, 'other', () => undefined);
    expect(hooks.hasAction(PLUGIN_EVENT)).toBe(true);
    expect(hooks.hasAction(PLUGIN_EVENT, 'vendor/plugin')).toBe(true);
    expect(hooks.hasAction(PLUGIN_EVENT, 'missing')).toBe(false);

    expect(hooks.removeAction(PLUGIN_EVENT, 'vendor/plugin')).toBe(2);
    expect(hooks.hasAction(PLUGIN_EVENT, 'vendor/plugin')).toBe(false);
    expect(hooks.removeAction(PLUGIN_EVENT, 'vendor/plugin')).toBe(0);
    expect(hooks.removeAction('never/registered', 'ns')).toBe(0);

    hooks.addAction(PLUGIN_EVENT, 'third', () => undefined);
    expect(hooks.removeAllActions(PLUGIN_EVENT)).toBe(2);
    expect(hooks.hasAction(PLUGIN_EVENT)).toBe(false);
    expect(hooks.removeAllActions('never/registered')).toBe(0);

    hooks.doAction(PLUGIN_EVENT);
    expect(hooks.didAction(PLUGIN_EVENT)).toBe(2);
  });

  it('reports the PHP-style name from currentAction and doingAction inside a callback', () => {
    const seen: unknown[] = [];
    hooks.addAction('outer/hook', 'test', () => {
      seen.push(hooks.currentAction(), hooks.doingAction('outer/hook'), hooks.doingAction());
      hooks.doAction('inner/hook');
      seen.push(hooks.currentAction());
    });
    hooks.addAction('inner/hook', 'test', () => {
      seen.push(hooks.currentAction(), hooks.doingAction('outer/hook'), hooks.doingAction('inner/hook'));
    });

    expect(hooks.currentAction()).toBeNull();
    expect(hooks.doingAction()).toBe(false);
    hooks.doAction('outer/hook');

    expect(seen).toEqual(['outer/hook', true, true, 'inner/hook', true, true, 'outer/hook']);
    expect(hooks.currentAction()).toBeNull();
    expect(hooks.doingAction('outer/hook')).toBe(false);
  });

  it('runs lower priorities first and ties in insertion order', () => {
    const order: string[] = [];
    const record = (label: string) => () => {
      order.push(label);
    };
    hooks.addAction('order/test', 'a/ns', record('p10-first'));
    hooks.addAction('order/test', 'b/ns', record('p20'), 20);
    hooks.addAction('order/test', 'c/ns', record('p5'), 5);
    hooks.addAction('order/test', 'd/ns', record('p10-second'), 10);
    hooks.addAction('order/test', 'e/ns', record('p-1'), -1);

    hooks.doAction('order/test');

    expect(order).toEqual(['p-1', 'p5', 'p10-first', 'p10-second', 'p20']);
  });

  it('keeps names the engine would reject apart, and registries apart', () => {
    const seen: string[] = [];
    const names = ['a/b', 'a.b', 'a.2fb', 'a-b', '__x', '1abc', 'ñ/✓', 'with space'];
    for (const name of names) hooks.addAction(name, 'test', () => void seen.push(name));

    for (const name of names) hooks.doAction(name);
    expect(seen).toEqual(names);

    const other = createHookRegistry();
    other.doAction('a/b');
    expect(seen).toEqual(names);
    expect(other.hasAction('a/b')).toBe(false);
  });

  it('doActionAsync awaits each callback before starting the next', async () => {
    const log: string[] = [];
    hooks.addAction('async/hook', 'test', async (label: string) => {
      log.push(`first:start:${label}`);
      await delay(20);
      log.push('first:end');
    });
    hooks.addAction('async/hook', 'test', async () => {
      log.push('second:start');
      await delay(1);
      log.push('second:end');
    });

    await hooks.doActionAsync('async/hook', 'x');

    expect(log).toEqual(['first:start:x', 'first:end', 'second:start', 'second:end']);
    expect(hooks.didAction('async/hook')).toBe(1);
  });

  it('doActionAsync returns a promise even without callbacks, and rejects like upstream', async () => {
    const result = hooks.doActionAsync('nobody/listens');
    expect(result).toBeInstanceOf(Promise);
    await expect(result).resolves.toBeUndefined();
    expect(hooks.didAction('nobody/listens')).toBe(1);

    const after = jest.fn();
    hooks.addAction('failing/async', 'test', async () => {
      throw new Error('boom');
    });
    hooks.addAction('failing/async', 'test', after);
    await expect(hooks.doActionAsync('failing/async')).rejects.toThrow('boom');
    expect(after).not.toHaveBeenCalled();
  });

  it('a throwing callback in a plain doAction propagates and stops later callbacks', () => {
    const before = jest.fn();
    const after = jest.fn();
    hooks.addAction('throwing/hook', 'test', before, 1);
    hooks.addAction('throwing/hook', 'test', () => {
      throw new Error('sync boom');
    }, 2);
    hooks.addAction('throwing/hook', 'test', after, 3);

    expect(() => hooks.doAction('throwing/hook')).toThrow('sync boom');
    expect(before).toHaveBeenCalledTimes(1);
    expect(after).not.toHaveBeenCalled();
    expect(hooks.doingAction()).toBe(false);
  });
});

describe('filters', () => {
  it('applyFilters chains the value through callbacks by priority', () => {
    hooks.addFilter('my_plugin/filter', 'test', (value: string, suffix: string) => `${value}-late${suffix}`, 20);
    hooks.addFilter('my_plugin/filter', 'test', (value: string, suffix: string) => `${value}-early${suffix}`, 5);
    hooks.addFilter('my_plugin/filter', 'test', (value: string) => `${value}-default`);

    const result: string = hooks.applyFilters('my_plugin/filter', 'start', '!');

    expect(result).toBe('start-early!-default-late!');
    expect(hooks.didFilter('my_plugin/filter')).toBe(1);
    expect(hooks.hasFilter('my_plugin/filter', 'test')).toBe(true);
    expect(hooks.applyFilters('no/filters', 42)).toBe(42);
  });

  it('applyFiltersAsync awaits each callback and always returns a promise', async () => {
    hooks.addFilter('async/filter', 'test', async (value: number) => {
      await delay(5);
      return value * 2;
    });
    hooks.addFilter('async/filter', 'test', (value: number) => value + 1, 20);

    await expect(hooks.applyFiltersAsync('async/filter', 5)).resolves.toBe(11);

    const untouched = hooks.applyFiltersAsync('no/filters', 'same');
    expect(untouched).toBeInstanceOf(Promise);
    await expect(untouched).resolves.toBe('same');
  });

  it('supports the filter bookkeeping functions with PHP-style names', () => {
    const seen: unknown[] = [];
    hooks.addFilter('my_plugin/f', 'a/b', (value: number) => {
      seen.push(hooks.currentFilter(), hooks.doingFilter('my_plugin/f'), hooks.currentAction());
      return value;
    });
    hooks.applyFilters('my_plugin/f', 1);
    expect(seen).toEqual(['my_plugin/f', true, null]);
    expect(hooks.currentFilter()).toBeNull();
    expect(hooks.doingFilter()).toBe(false);

    hooks.addFilter('my_plugin/f', 'c', (value: number) => value);
    expect(hooks.removeFilter('my_plugin/f', 'a/b')).toBe(1);
    expect(hooks.removeAllFilters('my_plugin/f')).toBe(1);
    expect(hooks.hasFilter('my_plugin/f')).toBe(false);
  });
});

describe('doActionIsolated', () => {
  it('runs every callback, reports sync throws and async rejections, and resolves', async () => {
    const ran: string[] = [];
    const syncError = new Error('sync failure');
    const asyncError = new Error('async failure');
    const seen: unknown[] = [];
    hooks.addAction(PLUGIN_EVENT, 'test', (event: { id: number }) => {
      ran.push(`first:${event.id}`);
      seen.push(hooks.currentAction(), hooks.didAction(PLUGIN_EVENT));
    });
    hooks.addAction(PLUGIN_EVENT, 'test', () => {
      ran.push('second');
      throw syncError;
    });
    hooks.addAction(PLUGIN_EVENT, 'test', async () => {
      ran.push('third');
      await delay(5);
      throw asyncError;
    });
    hooks.addAction(PLUGIN_EVENT, 'test', async () => {
      await delay(10);
      ran.push('fourth:done');
    });
    const onError = jest.fn();

    const result = hooks.doActionIsolated(PLUGIN_EVENT, onError, { id: 7 });

    await expect(result).resolves.toBeUndefined();
    expect(ran).toEqual(['first:7', 'second', 'third', 'fourth:done']);
    expect(onError.mock.calls).toEqual([
      [syncError, PLUGIN_EVENT],
      [asyncError, PLUGIN_EVENT],
    ]);
    expect(seen).toEqual([PLUGIN_EVENT, 1]);
    expect(hooks.didAction(PLUGIN_EVENT)).toBe(1);
    expect(hooks.doingAction()).toBe(false);
  });

  it('returns a promise without callbacks and counts the run', async () => {
    const result = hooks.doActionIsolated('nobody/listens', jest.fn());
    expect(result).toBeInstanceOf(Promise);
    await result;
    expect(hooks.didAction('nobody/listens')).toBe(1);
  });

  it('does not isolate plain dispatches made from inside an isolated callback', async () => {
    const innerError = new Error('inner');
    hooks.addAction('inner/plain', 'test', () => {
      throw innerError;
    });
    hooks.addAction('inner/async', 'test', async () => {
      await delay(1);
      throw innerError;
    });
    const observed: unknown[] = [];
    hooks.addAction('outer/isolated', 'test', async () => {
      try {
        hooks.doAction('inner/plain');
      } catch (error) {
        observed.push(['caught sync', error]);
      }
      await delay(1);
      // After an await the callback still runs outside the isolation scope.
      await hooks.doActionAsync('inner/async').catch((error: unknown) => observed.push(['caught async', error]));
      hooks.doAction('inner/plain'); // uncaught: fails this callback
    });
    const onError = jest.fn();

    await hooks.doActionIsolated('outer/isolated', onError);

    expect(observed).toEqual([
      ['caught sync', innerError],
      ['caught async', innerError],
    ]);
    // The uncaught inner failure is reported once, as a failure of the isolated hook's callback.
    expect(onError.mock.calls).toEqual([[innerError, 'outer/isolated']]);
  });

  it('works when nested inside a callback of another hook', async () => {
    const innerError = new Error('inner');
    const outerError = new Error('outer');
    const innerOnError = jest.fn();
    const outerOnError = jest.fn();
    const ran: string[] = [];
    hooks.addAction('inner/hook', 'test', () => {
      throw innerError;
    });
    hooks.addAction('inner/hook', 'test', () => void ran.push('inner:second'));

    hooks.addAction('plain/outer', 'test', async () => {
      await hooks.doActionIsolated('inner/hook', innerOnError);
      ran.push('plain/outer:done');
    });
    hooks.addAction('isolated/outer', 'test', async () => {
      ran.push(`current:${hooks.currentAction()}`);
      await hooks.doActionIsolated('inner/hook', innerOnError);
      ran.push(`current:${hooks.currentAction()}`);
      throw outerError;
    });
    hooks.addAction('isolated/outer', 'test', () => void ran.push('isolated/outer:second'));

    await hooks.doActionAsync('plain/outer');
    await hooks.doActionIsolated('isolated/outer', outerOnError);

    expect(ran).toEqual([
      'inner:second',
      'plain/outer:done',
      'current:isolated/outer',
      'inner:second',
      'current:isolated/outer',
      'isolated/outer:second',
    ]);
    expect(innerOnError.mock.calls).toEqual([
      [innerError, 'inner/hook'],
      [innerError, 'inner/hook'],
    ]);
    expect(outerOnError.mock.calls).toEqual([[outerError, 'isolated/outer']]);
  });

  it('does not isolate plain dispatches made from the error handler', async () => {
    const handlerError = new Error('from handler hook');
    hooks.addAction('failing/listener', 'test', () => {
      throw new Error('listener');
    });
    hooks.addAction('failing/async-listener', 'test', async () => {
      throw new Error('async listener');
    });
    hooks.addAction('handler/hook', 'test', () => {
      throw handlerError;
    });
    const caught: unknown[] = [];
    const onError = (): void => {
      try {
        hooks.doAction('handler/hook');
      } catch (error) {
        caught.push(error);
      }
    };

    await hooks.doActionIsolated('failing/listener', onError);
    await hooks.doActionIsolated('failing/async-listener', onError);

    expect(caught).toEqual([handlerError, handlerError]);
  });

  it('rejects when the error handler itself throws', async () => {
    hooks.addAction('failing/listener', 'test', () => {
      throw new Error('listener');
    });
    const handlerBug = new Error('handler bug');
    await expect(
      hooks.doActionIsolated('failing/listener', () => {
        throw handlerBug;
      }),
    ).rejects.toBe(handlerBug);
  });

  it('leaves plain doAction and doActionAsync unaffected afterwards', async () => {
    hooks.addAction('after/isolation', 'test', () => {
      throw new Error('still throws');
    });
    await hooks.doActionIsolated('after/isolation', jest.fn());

    expect(() => hooks.doAction('after/isolation')).toThrow('still throws');
    await expect(hooks.doActionAsync('after/isolation')).rejects.toThrow('still throws');
  });

  it('requires an error handler', () => {
    expect(() => hooks.doActionIsolated('x/y', undefined as unknown as () => void)).toThrow(TypeError);
  });
});

describe('validation', () => {
  const callback = (): void => undefined;
  const badNames = ['', 3, null, undefined] as unknown as string[];

  it.each(badNames)('rejects hook name %p with a TypeError everywhere', (name) => {
    const message = 'The hook name must be a non-empty string.';
    expect(() => hooks.addAction(name, 'ns', callback)).toThrow(new TypeError(message));
    expect(() => hooks.addFilter(name, 'ns', callback)).toThrow(new TypeError(message));
    expect(() => hooks.removeAction(name, 'ns')).toThrow(TypeError);
    expect(() => hooks.removeAllFilters(name)).toThrow(TypeError);
    expect(() => hooks.hasAction(name)).toThrow(TypeError);
    expect(() => hooks.didAction(name)).toThrow(TypeError);
    expect(() => hooks.doAction(name)).toThrow(TypeError);
    expect(() => hooks.doActionAsync(name)).toThrow(TypeError);
    expect(() => hooks.doActionIsolated(name, jest.fn())).toThrow(TypeError);
    expect(() => hooks.applyFilters(name, 1)).toThrow(TypeError);
    expect(() => hooks.applyFiltersAsync(name, 1)).toThrow(TypeError);
  });

  it.each([
    ['', 'The namespace must be a non-empty string.'],
    [undefined, 'The namespace must be a non-empty string.'],
    ['1starts-with-digit', 'The namespace can only contain numbers, letters, dashes, periods, underscores and slashes.'],
    ['has space', 'The namespace can only contain numbers, letters, dashes, periods, underscores and slashes.'],
  ])('rejects namespace %p with a TypeError', (namespace, message) => {
    const ns = namespace as unknown as string;
    expect(() => hooks.addAction('a/b', ns, callback)).toThrow(new TypeError(message));
    expect(() => hooks.addFilter('a/b', ns, callback)).toThrow(new TypeError(message));
    expect(() => hooks.removeAction('a/b', ns)).toThrow(new TypeError(message));
    expect(hooks.hasAction('a/b')).toBe(false);
  });

  it.each(['5', NaN, null])('rejects priority %p with a TypeError', (priority) => {
    expect(() => hooks.addAction('a/b', 'ns', callback, priority as unknown as number)).toThrow(
      new TypeError('If specified, the hook priority must be a number.'),
    );
    expect(hooks.hasAction('a/b')).toBe(false);
  });

  it('rejects a callback that is not a function', () => {
    expect(() => hooks.addAction('a/b', 'ns', 'nope' as unknown as () => void)).toThrow(
      new TypeError('The hook callback must be a function.'),
    );
    expect(hooks.hasAction('a/b')).toBe(false);
  });

  it('treats an explicit undefined priority as the default', () => {
    const order: string[] = [];
    hooks.addAction('a/b', 'ns', () => void order.push('nine'), 9);
    hooks.addAction('a/b', 'ns', () => void order.push('default'), undefined);
    hooks.addAction('a/b', 'ns', () => void order.push('eleven'), 11);
    hooks.doAction('a/b');
    expect(order).toEqual(['nine', 'default', 'eleven']);
  });
});
