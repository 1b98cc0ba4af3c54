import type { HookRegistry } from '../../hooks/registry';
import { HOOKS } from '../../hooks/hookNames';
import { GroupCommit } from '../runtime/groupCommit';
import { describeError, type Logger } from '../runtime/logger';
import type { DoneActionItem, WebhookStore } from './webhookStore';

const NAMESPACE = 'fcrm-event-tracking/webhooks';
/** Done actions enqueued in one statement at most. */
const MAX_BATCH = 500;

/**
 * Puts every done action into the webhook queue, as a listener of `fluent_crm/track_event_activity_done`
 * that the done action's dispatch awaits: the outbox row is marked delivered only once its webhook rows
 * exist, so a crash in between enqueues it again (once: the insert ignores repeats). Concurrent done
 * actions share one INSERT (group commit).
 *
 * The listener is registered only while webhooks exist, so without webhooks a done action costs
 * nothing at all (no listener, no promise, no statement). Whether any exist is read at start, at once
 * when this process creates or deletes one, and every `refreshMs` (one `count(*)` per process), so a
 * webhook registered through another process starts receiving within that time.
 */
export class WebhookEnqueuer {
  private readonly batches: GroupCommit<DoneActionItem, void>;
  private listening = false;
  private timer: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> | null = null;

  constructor(
    private readonly store: WebhookStore,
    private readonly hooks: HookRegistry,
    private readonly logger: Logger,
    private readonly refreshMs: number,
    private readonly onEnqueued: () => void,
  ) {
    this.batches = new GroupCommit(
      async (items) => {
        await store.enqueue(items);
        return new Map();
      },
      2,
      MAX_BATCH,
    );
  }

  /** Resolves once the first look has decided whether to listen. */
  async start(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => {
      this.refresh().catch((error: unknown) => this.logger.error(describeError(error), 'Looking for webhooks failed; will retry'));
    }, this.refreshMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.listen(false);
  }

  /** Reads whether any webhook exists and registers or removes the listener to match. */
  refresh(): Promise<void> {
    this.refreshing ??= this.store
      .count()
      .then((n) => this.listen(n > 0))
      .finally(() => {
        this.refreshing = null;
      });
    return this.refreshing;
  }

  private listen(on: boolean): void {
    if (on === this.listening) return;
    this.listening = on;
    if (!on) {
      this.hooks.removeAction(HOOKS.TRACK_EVENT_ACTIVITY_DONE, NAMESPACE);
      return;
    }
    this.hooks.addAction(HOOKS.TRACK_EVENT_ACTIVITY_DONE, NAMESPACE, async (event, subscriber, delivery) => {
      // A done action fired by a host itself has no delivery (no outbox row), so no id to sign with.
      if (!delivery) return;
      await this.batches.request([{ deliveryId: String(delivery.id), eventKey: event.event_key, payload: JSON.stringify({ event, subscriber }) }]);
      this.onEnqueued();
    });
  }
}
