import type { MigrationInterface, QueryRunner } from 'typeorm';
import { quoteIdent, tableNames } from '../tableNames';
import { migrationSchema } from './migrationSchema';

const CASCADE = 'fc_event_tracking_history_removed';
const CLEAR = 'fc_event_tracking_history_truncated';

/**
 * The history (fc_event_occurrences) and the outbox referenced fc_event_tracking by foreign keys.
 * A foreign key checks every inserted row on its own (a lookup of the event row under FOR KEY SHARE):
 * EXPLAIN ANALYZE of a 1,000-item write showed the two checks at 10–20 ms of a 60–90 ms statement,
 * checks that cannot fail — the writer's one statement inserts these rows only for the event row it
 * has just inserted or updated, and holds that row's lock until commit. What the keys also did, delete
 * with the event, is done here once per statement: an AFTER DELETE trigger with the deleted rows as a
 * transition table (one join instead of one lookup per event; the outbox has no event_id index, so the
 * per-row cascade scanned it once per deleted event), and TRUNCATE of the events empties both.
 */
export class CascadeHistoryByStatement1764892800000 implements MigrationInterface {
  name = 'CascadeHistoryByStatement1764892800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const schema = migrationSchema(queryRunner);
    const t = tableNames(schema);
    const fn = (name: string) => `${quoteIdent(schema)}.${quoteIdent(name)}`;

    await queryRunner.query(`ALTER TABLE ${t.occurrences} DROP CONSTRAINT IF EXISTS fc_event_occurrences_event_id_fkey`);
    await queryRunner.query(`ALTER TABLE ${t.outbox} DROP CONSTRAINT IF EXISTS fc_event_outbox_event_id_fkey`);
    await queryRunner.query(`
CREATE FUNCTION ${fn(CASCADE)}() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN
  DELETE FROM ${t.occurrences} o USING old_rows r WHERE o.event_id = r.id;
  DELETE FROM ${t.outbox} b USING old_rows r WHERE b.event_id = r.id;
  RETURN NULL;
END
$body$`);
    await queryRunner.query(`
CREATE FUNCTION ${fn(CLEAR)}() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN
  TRUNCATE ${t.occurrences}, ${t.outbox};
  RETURN NULL;
END
$body$`);
    await queryRunner.query(
      `CREATE TRIGGER ${CASCADE} AFTER DELETE ON ${t.events}
       REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION ${fn(CASCADE)}()`,
    );
    await queryRunner.query(`CREATE TRIGGER ${CLEAR} AFTER TRUNCATE ON ${t.events} FOR EACH STATEMENT EXECUTE FUNCTION ${fn(CLEAR)}()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const schema = migrationSchema(queryRunner);
    const t = tableNames(schema);
    for (const name of [CASCADE, CLEAR]) {
      await queryRunner.query(`DROP TRIGGER IF EXISTS ${name} ON ${t.events}`);
      await queryRunner.query(`DROP FUNCTION IF EXISTS ${quoteIdent(schema)}.${quoteIdent(name)}()`);
    }
    await queryRunner.query(
      `ALTER TABLE ${t.occurrences} ADD CONSTRAINT fc_event_occurrences_event_id_fkey
       FOREIGN KEY (event_id) REFERENCES ${t.events} (id) ON DELETE CASCADE`,
    );
    await queryRunner.query(
      `ALTER TABLE ${t.outbox} ADD CONSTRAINT fc_event_outbox_event_id_fkey
       FOREIGN KEY (event_id) REFERENCES ${t.events} (id) ON DELETE CASCADE`,
    );
  }
}
