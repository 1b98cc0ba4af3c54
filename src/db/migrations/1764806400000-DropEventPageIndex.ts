import type { MigrationInterface, QueryRunner } from 'typeorm';
import { quoteIdent, tableNames } from '../tableNames';
import { migrationSchema } from './migrationSchema';

/**
 * (subscriber_id, id DESC) served the tracking-events page's ORDER BY id DESC and count(*). Pages now
 * come from fc_event_ranks (AddEventTotalsAndRanks), and what else looks events up by contact (the
 * cascade from fc_subscribers, with_events, total-count filters) uses the unique
 * (subscriber_id, lower(event_key), lower(title)) index's leading column. Every new event row paid
 * for one more randomly placed index entry, which at 10^6 rows measured ~8 % of the ingest rate
 * right after a checkpoint (full-page writes of its leaf pages; BENCHMARKS.md).
 */
export class DropEventPageIndex1764806400000 implements MigrationInterface {
  name = 'DropEventPageIndex1764806400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX IF EXISTS ${quoteIdent(migrationSchema(queryRunner))}.fc_event_tracking_subscriber_id_id`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const t = tableNames(migrationSchema(queryRunner));
    await queryRunner.query(`CREATE INDEX fc_event_tracking_subscriber_id_id ON ${t.events} (subscriber_id, id DESC)`);
  }
}
