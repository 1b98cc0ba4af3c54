import type { PGlite } from '@electric-sql/pglite';

interface Job {
  handlerId: number;
  message: Uint8Array;
  onData: (data: Uint8Array) => void;
  resolve: (bytes: number) => void;
  reject: (error: unknown) => void;
}

const SYNC = 0x53; // 'S': ends an extended-protocol cycle (Parse, Bind, Execute… Sync)
const QUERY = 0x51; // 'Q': a simple query, a cycle of its own
const TERMINATE = 0x58; // 'X'
const SYNC_MESSAGE = new Uint8Array([SYNC, 0, 0, 0, 4]);

/**
 * Shares PGlite's single session between several client connections.
 *
 * pglite-socket's own queue (0.2.17) interleaves connections message by message. pg sends a
 * parameterised query as Parse/Bind/Execute/Sync, all on the *unnamed* statement, so two
 * connections interleaving their messages run each other's statements: under load, queries answer
 * with the wrong rows and increments are lost (measured: 982 of 1,000 upserts counted). This queue
 * gives the session to one connection for a whole protocol cycle (up to Sync or a simple Query),
 * and for a whole transaction when the cycle leaves one open. It implements the structural
 * interface pglite-socket's handler calls (enqueue, clearQueueForHandler, clearTransactionIfNeeded).
 */
export class EmbeddedSessionQueue {
  private readonly waiting: Job[] = [];
  /** The connection that holds the session between cycles or inside a transaction. */
  private owner: number | null = null;
  private pumping = false;

  constructor(private readonly db: PGlite) {}

  enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ handlerId, message, onData, resolve, reject });
      void this.pump();
    });
  }

  clearQueueForHandler(handlerId: number): void {
    for (let i = this.waiting.length - 1; i >= 0; i -= 1) {
      if (this.waiting[i].handlerId === handlerId) {
        this.waiting.splice(i, 1)[0].reject(new Error('Handler disconnected'));
      }
    }
  }

  /** A connection that went away mid-cycle or mid-transaction must not leave the session stuck. */
  async clearTransactionIfNeeded(handlerId: number): Promise<void> {
    if (this.owner !== handlerId) return;
    await this.db.runExclusive(async () => {
      await this.db.execProtocolRawStream(SYNC_MESSAGE, { onRawData: () => undefined });
      if (this.db.isInTransaction()) await this.db.exec('ROLLBACK');
    });
    this.owner = null;
    void this.pump();
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      for (;;) {
        const index = this.owner === null ? 0 : this.waiting.findIndex((job) => job.handlerId === this.owner);
        if (this.waiting.length === 0 || index < 0) return;
        const job = this.waiting.splice(index, 1)[0];
        await this.run(job);
        this.owner = endsCycle(job.message) && !this.db.isInTransaction() ? null : job.handlerId;
      }
    } finally {
      this.pumping = false;
    }
  }

  private async run(job: Job): Promise<void> {
    let bytes = 0;
    try {
      await this.db.runExclusive(() =>
        this.db.execProtocolRawStream(job.message, {
          onRawData: (data) => {
            bytes += data.length;
            job.onData(data);
          },
        }),
      );
      job.resolve(bytes);
    } catch (error) {
      job.reject(error);
    }
  }
}

/** Whether the message ends a protocol cycle; a start-up packet (no type byte, starts with 0) does. */
function endsCycle(message: Uint8Array): boolean {
  const type = message[0];
  return type === SYNC || type === QUERY || type === TERMINATE || type === 0;
}
