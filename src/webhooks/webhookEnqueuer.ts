import type { HookRegistry } from '../../hooks/registry';
import { HOOKS } from '../../hooks/hookNames';
import { GroupCommit } from '../runtime/groupCommit';
import type { DoneActionItem, WebhookStore } from './webhookStore';

const NAMESPACE = 'fcrm-event-tracking/webhooks';
/** Done actions enqueued in one statement at most. */
const MAX_BATCH = 500;

/**
 * Puts every done action into the webhook queue, as a listener of `fluent_crm/track_event_activity_done`
 * that the done action's dispatch awaits: the outbox row is marked delivered only once its webhook rows
 * exist, so a crash in between enqueues it again (once: the insert ignores repeats). Concurrent done
 * actions share one INSERT (group commit). When no webhook exists the listener does nothing but read a
 * cached flag; the flag is refreshed at most every `cacheMs` from the database (so a webhook created by
 * another process is seen within that time), and at once when this process creates or deletes one.
 */
export class WebhookEnqueuer {
  private readonly batches: GroupCommit<DoneActionItem, void>;
  private known: { any: boolean; at: number } | null = null;
  private refreshing: Promise<boolean> | null = null;

  constructor(
    private readonly store: WebhookStore,
    private readonly cacheMs: number,
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

  register(hooks: HookRegistry): () => void {
    hooks.addAction(HOOKS.TRACK_EVENT_ACTIVITY_DONE, NAMESPACE, async (event, subscriber, delivery) => {
      // A done action without a delivery (no outbox row: a tool process) has no id to sign with.
      if (!delivery || !(await this.anyWebhooks())) return;
      await this.batches.request([{ deliveryId: String(delivery.id), eventKey: event.event_key, payload: JSON.stringify({ event, subscriber }) }]);
      this.onEnqueued();
    });
    return () => hooks.removeAction(HOOKS.TRACK_EVENT_ACTIVITY_DONE, NAMESPACE);
  }

  /** This process changed the webhooks: look again before the next done action. */
  invalidate(): void {
    this.known = null;
  }

  private async anyWebhooks(): Promise<boolean> {
    if (this.known && Date.now() - this.known.at < this.cacheMs) return this.known.any;
    this.refreshing ??= this.store
      .count()
      .then((n) => {
        this.known = { any: n > 0, at: Date.now() };
        return n > 0;
      })
      .finally(() => {
        this.refreshing = null;
      });
    return this.refreshing;
  }
}
