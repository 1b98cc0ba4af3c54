import type { MigrationInterface, QueryRunner } from 'typeorm';
import { tableNames } from '../tableNames';
import { migrationSchema } from './migrationSchema';

/**
 * The JetStream relay's own bookkeeping on each outbox row, beside (never instead of) in-process
 * delivery's `claimed_until`/`delivered_at`: each consumer of outbox rows has its own claim and its
 * own "done" mark, so a row can be delivered and not yet relayed, or the reverse, and another
 * consumer (webhooks) can add its own pair of columns or table without touching these.
 */
export class AddOutboxRelayProgress1765411200000 implements MigrationInterface {
  name = 'AddOutboxRelayProgress1765411200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = tableNames(migrationSchema(queryRunner));
    await queryRunner.query(`ALTER TABLE ${t.outbox} ADD COLUMN relay_attempts integer NOT NULL DEFAULT 0`);
    await queryRunner.query(`ALTER TABLE ${t.outbox} ADD COLUMN relay_claimed_until timestamptz NULL`);
    await queryRunner.query(`ALTER TABLE ${t.outbox} ADD COLUMN relayed_at timestamptz NULL`);
    // What the relay scans: rows not yet acknowledged by the stream, oldest first.
    await queryRunner.query(`CREATE INDEX fc_event_outbox_unrelayed ON ${t.outbox} (id) WHERE relayed_at IS NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const t = tableNames(migrationSchema(queryRunner));
    await queryRunner.query(`DROP INDEX IF EXISTS ${t.outbox.replace(/"fc_event_outbox"$/, '"fc_event_outbox_unrelayed"')}`);
    await queryRunner.query(`ALTER TABLE ${t.outbox} DROP COLUMN IF EXISTS relayed_at`);
    await queryRunner.query(`ALTER TABLE ${t.outbox} DROP COLUMN IF EXISTS relay_claimed_until`);
    await queryRunner.query(`ALTER TABLE ${t.outbox} DROP COLUMN IF EXISTS relay_attempts`);
  }
}
