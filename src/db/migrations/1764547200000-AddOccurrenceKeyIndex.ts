import type { MigrationInterface, QueryRunner } from 'typeorm';
import { quoteIdent, tableNames } from '../tableNames';
import { migrationSchema } from './migrationSchema';

/**
 * For the `event_tracking_occurrences` filter ("occurred N times within the last D days"): it finds
 * the event rows of a key through (lower(event_key), subscriber_id) and then each row's occurrences
 * since now − D days. With only (event_id, id DESC) the time is a filter, so every occurrence of the
 * key since tracking began is read, and on a key many contacts have PostgreSQL scans the whole
 * history instead (EXPLAIN, test/filters/occurrencesExplain.test.ts). (event_id, occurred_at) makes
 * the window a range in the index, answered from the index alone; the history page keeps its own.
 */
export class AddOccurrenceKeyIndex1764547200000 implements MigrationInterface {
  name = 'AddOccurrenceKeyIndex1764547200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = tableNames(migrationSchema(queryRunner));
    await queryRunner.query(`CREATE INDEX fc_event_occurrences_event_time ON ${t.occurrences} (event_id, occurred_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX ${quoteIdent(migrationSchema(queryRunner))}.fc_event_occurrences_event_time`);
  }
}
