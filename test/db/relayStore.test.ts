import { sqlRunner } from '../../src/db/preparedStatements';
import { tableNames } from '../../src/db/tableNames';
import { OutboxStore } from '../../src/outbox/outboxStore';
import { RelayStore } from '../../src/relay/relayStore';
import { RetentionPruner } from '../../src/retention/pruner';
import { retentionSettings } from '../../src/retention/retentionSettings';
import { silentLogger } from '../../src/runtime/logger';
import { openTestRuntime, type TestRuntime } from '../helpers/testRuntime';

// The relay's bookkeeping on fc_event_outbox, apart from in-process delivery's (no NATS needed).
describe('relay claims on the outbox', () => {
  let t: TestRuntime;
  let relay: RelayStore;
  let outbox: OutboxStore;

  beforeAll(async () => {
    t = await openTestRuntime({ outbox: { deliver: false } });
    const sql = sqlRunner(t.rt.dataSource, false);
    relay = new RelayStore(sql, tableNames(t.schema));
    outbox = new OutboxStore(sql, tableNames(t.schema));
  });
  afterAll(async () => {
    await t?.close();
  });

  test('claims are disjoint, leased, released on failure, and independent of delivery', async () => {
    await t.rt.api('contacts').createOrUpdate({ email: 'relay-store@example.com' });
    await t.rt.api('event_tracker').trackMany(
      Array.from({ length: 5 }, (_, i) => ({ event_key: 'k', title: `T${i}`, value: `v${i}`, email: 'relay-store@example.com' })),
      true,
    );
    const first = await relay.claim(3, 60_000);
    const second = await relay.claim(3, 60_000);
    expect(first.map((r) => r.attempt)).toEqual([1, 1, 1]);
    expect(first.map((r) => r.event.value)).toEqual(['v0', 'v1', 'v2']);
    expect(second).toHaveLength(2);
    expect(new Set([...first, ...second].map((r) => r.outboxId)).size).toBe(5);
    expect(await relay.claim(3, 60_000)).toEqual([]); // all leased

    await relay.release([second[0].outboxId]);
    const again = await relay.claim(3, 60_000);
    expect(again.map((r) => [r.outboxId, r.attempt])).toEqual([[second[0].outboxId, 2]]);

    await relay.markRelayed(first.map((r) => r.outboxId));
    const rows = await t.sql<{ relayed: number; delivered: number }>(
      `SELECT count(relayed_at)::int AS relayed, count(delivered_at)::int AS delivered FROM {schema}.fc_event_outbox`,
    );
    expect(rows[0]).toEqual({ relayed: 3, delivered: 0 }); // relaying marks nothing delivered
    // In-process delivery still finds every row: its claim ignores the relay's.
    expect(await outbox.claimExpired(10, 60_000)).toHaveLength(5);
  });

  test('with a relay configured, the pruner keeps delivered rows the stream has not acknowledged', async () => {
    const pruner = (keepUnrelayed: boolean) =>
      new RetentionPruner({
        db: sqlRunner(t.rt.dataSource, false),
        tables: tableNames(t.schema),
        settings: retentionSettings({ background: false }, 24 * 3_600_000, true),
        logger: silentLogger,
        keepUnrelayed,
      });
    await t.sql(`UPDATE {schema}.fc_event_outbox SET delivered_at = now() - interval '3 days'`);
    await pruner(true).prune();
    const [{ kept }] = await t.sql<{ kept: number }>(`SELECT count(*)::int AS kept FROM {schema}.fc_event_outbox`);
    expect(kept).toBe(2); // the 3 relayed rows went
    await pruner(false).prune();
    const [{ left }] = await t.sql<{ left: number }>(`SELECT count(*)::int AS left FROM {schema}.fc_event_outbox`);
    expect(left).toBe(0);
  });
});
