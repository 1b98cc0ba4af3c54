import type { MigrationInterface, QueryRunner } from 'typeorm';
import { quoteIdent, tableNames } from '../tableNames';
import { migrationSchema } from './migrationSchema';

/**
 * Indexes for the contact filters (src/filters). A key filter is a semi-join from the rows of the
 * key to their contacts: (lower(event_key), subscriber_id) finds those rows and hands them over in
 * contact order (per-key aggregates group without a sort, and a probe for one contact is one index
 * descent). It replaces the (lower(event_key)) index, which it covers as its leading column, so the
 * tracker's upsert maintains no more indexes than before. Title filters (`=`, `!=`) get
 * (lower(title)); `contains` is a scan either way without pg_trgm, which not every host can install.
 */
export class AddFilterIndexes1764288000000 implements MigrationInterface {
  name = 'AddFilterIndexes1764288000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const schema = migrationSchema(queryRunner);
    const t = tableNames(schema);
    await queryRunner.query(`CREATE INDEX fc_event_tracking_key_subscriber_ci ON ${t.events} (lower(event_key), subscriber_id)`);
    await queryRunner.query(`DROP INDEX ${quoteIdent(schema)}.fc_event_tracking_event_key_ci`);
    await queryRunner.query(`CREATE INDEX fc_event_tracking_title_ci ON ${t.events} (lower(title))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const schema = migrationSchema(queryRunner);
    const t = tableNames(schema);
    await queryRunner.query(`DROP INDEX ${quoteIdent(schema)}.fc_event_tracking_title_ci`);
    await queryRunner.query(`CREATE INDEX fc_event_tracking_event_key_ci ON ${t.events} (lower(event_key))`);
    await queryRunner.query(`DROP INDEX ${quoteIdent(schema)}.fc_event_tracking_key_subscriber_ci`);
  }
}
