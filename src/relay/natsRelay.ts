import { jetstream, jetstreamManager, type JetStreamClient } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';

type NatsConnection = Awaited<ReturnType<typeof connect>>;
import { toContactRecord } from '../contacts/contactRecord';
import type { ClaimedDelivery } from '../outbox/outboxStore';
import { describeError, type Logger } from '../runtime/logger';
import { toEventRecord } from '../tracking/eventRecord';
import type { DoneActionMessage } from './doneActionMessage';
import { ensureStream } from './ensureStream';
import type { RelaySettings } from './relaySettings';
import type { RelayStore } from './relayStore';
import { doneActionSubject } from './subjectToken';

const PUBLISH_TIMEOUT_MS = 10_000;
const MAX_BACKOFF_MS = 5_000;

/**
 * Publishes every outbox row to JetStream, independently of in-process delivery. A row is marked
 * relayed only after the stream acknowledged it, so a relay killed at any moment leaves its rows
 * unmarked; they are published again once their lease runs out, with the same Nats-Msg-Id, which
 * the stream drops inside its duplicate window. Several `concurrency` loops each claim a batch,
 * publish all of it at once and await the acks, so publishing keeps up with ingest.
 */
export class NatsRelay {
  private connection: NatsConnection | undefined;
  private stopping = false;
  private readonly wake = new Set<() => void>();
  private loops: Promise<void> | undefined;
  /** Resolves once connected and the stream exists (tests and health checks wait for it). */
  readonly ready: Promise<void>;
  private markReady!: () => void;

  constructor(
    private readonly store: RelayStore,
    private readonly settings: RelaySettings,
    private readonly logger: Logger,
    private readonly timeZone: string,
  ) {
    this.ready = new Promise((resolve) => (this.markReady = resolve));
  }

  start(): void {
    this.loops = (async () => {
      const js = await this.connectUntilStopped();
      if (!js) return;
      this.markReady();
      await Promise.all(Array.from({ length: this.settings.concurrency }, () => this.loop(js)));
    })();
  }

  /** Finishes the batches in flight (their acks and marks), then closes the connection. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const wake of this.wake) wake();
    await this.loops;
    await this.connection?.drain().catch(() => this.connection?.close());
  }

  /** Publishes one batch; resolves with how many rows the stream acknowledged (0: nothing was due). */
  async relayOnce(js: JetStreamClient): Promise<number> {
    const rows = await this.store.claim(this.settings.batchSize, this.settings.leaseMs);
    if (rows.length === 0) return 0;
    const results = await Promise.allSettled(rows.map((row) => this.publish(js, row)));
    const acked: string[] = [];
    const failed: string[] = [];
    let firstError: unknown;
    results.forEach((result, index) => {
      if (result.status === 'fulfilled') acked.push(rows[index].outboxId);
      else {
        failed.push(rows[index].outboxId);
        firstError ??= result.reason;
      }
    });
    await this.store.markRelayed(acked);
    if (failed.length > 0) {
      await this.store.release(failed);
      throw Object.assign(new Error(`${failed.length} of ${rows.length} done actions were not acknowledged by the stream`), {
        cause: firstError,
      });
    }
    return acked.length;
  }

  private publish(js: JetStreamClient, row: ClaimedDelivery) {
    const message: DoneActionMessage = {
      delivery: { id: row.outboxId, attempt: row.attempt },
      event: toEventRecord(row.event, this.timeZone),
      subscriber: toContactRecord(row.contact, this.timeZone),
    };
    return js.publish(doneActionSubject(this.settings.subjectPrefix, message.event.event_key), JSON.stringify(message), {
      msgID: row.outboxId,
      timeout: PUBLISH_TIMEOUT_MS,
    });
  }

  private async loop(js: JetStreamClient): Promise<void> {
    let failures = 0;
    while (!this.stopping) {
      let relayed = 0;
      try {
        relayed = await this.relayOnce(js);
        failures = 0;
      } catch (error) {
        failures += 1;
        const cause = (error as { cause?: unknown }).cause;
        this.logger.error({ ...describeError(error), ...(cause ? { cause: describeError(cause).error } : {}) }, 'Relaying done actions to NATS failed; will retry');
      }
      // A full batch: more are probably waiting, so go on at once.
      if (failures > 0) await this.sleep(Math.min(MAX_BACKOFF_MS, this.settings.pollIntervalMs * 2 ** failures));
      else if (relayed < this.settings.batchSize) await this.sleep(this.settings.pollIntervalMs);
    }
  }

  /** Connects (retrying until stopped: ingest never waits for NATS) and makes sure the stream exists. */
  private async connectUntilStopped(): Promise<JetStreamClient | undefined> {
    let failures = 0;
    while (!this.stopping) {
      try {
        this.connection ??= await connect({ servers: this.settings.natsUrl.split(',').map((s) => s.trim()), maxReconnectAttempts: -1, name: 'fcrm-relay' });
        await ensureStream(await jetstreamManager(this.connection), this.settings);
        return jetstream(this.connection);
      } catch (error) {
        failures += 1;
        if (failures === 1 || failures % 30 === 0) {
          this.logger.error(describeError(error), 'Cannot reach NATS JetStream for the relay; done actions wait in the outbox');
        }
        await this.sleep(Math.min(MAX_BACKOFF_MS, 100 * 2 ** failures));
      }
    }
    return undefined;
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake.add(done);
    });
  }
}
