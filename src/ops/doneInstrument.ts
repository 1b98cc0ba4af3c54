import { performance } from 'node:perf_hooks';
import type { Delivery } from '../../hooks/hookMap';
import type { TrackingObserver } from './runtimeMetrics';
import type { DoneDispatch, Tracing } from './tracing';

/** Wraps every dispatch of a done action (the writer's and the recovery poller's): its span and its duration. */
export interface DoneInstrument {
  run(delivery: Delivery | null, parentTraceparent: string | null | undefined, dispatch: DoneDispatch): Promise<void> | undefined;
}

export const UNINSTRUMENTED: DoneInstrument = { run: (_delivery, _parent, dispatch) => dispatch() };

export function doneInstrument(observer: Pick<TrackingObserver, 'doneAction'>, tracing: Tracing): DoneInstrument {
  return {
    run(delivery, parent, dispatch) {
      const started = performance.now();
      const record = (): void => observer.doneAction((performance.now() - started) / 1000);
      const pending = tracing.done(delivery, parent, dispatch);
      if (!pending) {
        record();
        return undefined;
      }
      return pending.then(record);
    },
  };
}
