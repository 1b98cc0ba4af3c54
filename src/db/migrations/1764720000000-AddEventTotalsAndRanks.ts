import type { MigrationInterface, QueryRunner } from 'typeorm';
import { quoteIdent, tableNames } from '../tableNames';
import { migrationSchema } from './migrationSchema';

/**
 * A contact's event list (GET /subscribers/{id}/tracking-events) is FluentCRM's numbered paginator:
 * page N of a total. Counting 100,000 rows for the total and skipping them with OFFSET for a deep page
 * each cost 5–10 ms per request. Two small tables answer both from an index instead:
 *  - fc_event_totals: one row per contact with events, `events` = how many event rows it has;
 *  - fc_event_ranks: the contact's event rows numbered 1..events in creation order, so page N is a
 *    range of `seq` (the newest first).
 * Statement-level triggers on fc_event_tracking keep them exact whatever writes the rows — the writer's
 * one statement, TypeORM, or an operator's SQL: inserts append (under the contact's totals row lock, so
 * concurrent writers number without gaps), deletes renumber the contacts they touched, TRUNCATE clears
 * both. Counter updates change no rows' existence and fire nothing here.
 */
export class AddEventTotalsAndRanks1764720000000 implements MigrationInterface {
  name = 'AddEventTotalsAndRanks1764720000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const schema = migrationSchema(queryRunner);
    const t = tableNames(schema);
    const fn = (name: string) => `${quoteIdent(schema)}.${quoteIdent(name)}`;

    await queryRunner.query(`CREATE TABLE ${t.eventTotals} (subscriber_id bigint PRIMARY KEY, events bigint NOT NULL)`);
    await queryRunner.query(
      `CREATE TABLE ${t.eventRanks} (subscriber_id bigint NOT NULL, seq bigint NOT NULL, event_id bigint NOT NULL,
                                     PRIMARY KEY (subscriber_id, seq))`,
    );
    await queryRunner.query(
      `INSERT INTO ${t.eventTotals} (subscriber_id, events) SELECT subscriber_id, count(*) FROM ${t.events} GROUP BY subscriber_id`,
    );
    // Numbers a contact's rows 1..n by id: the backfill here, and the renumbering after deletes below.
    const numberRows = (where: string) => `INSERT INTO ${t.eventRanks} (subscriber_id, seq, event_id)
  SELECT subscriber_id, row_number() OVER (PARTITION BY subscriber_id ORDER BY id), id
  FROM ${t.events} WHERE ${where}`;
    await queryRunner.query(numberRows('true'));

    // New rows only: for INSERT … ON CONFLICT DO UPDATE, the rows that were updated instead are not in new_rows.
    await queryRunner.query(`
CREATE FUNCTION ${fn('fc_event_tracking_rows_added')}() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN
  WITH added AS (
    SELECT subscriber_id, count(*) AS n FROM new_rows GROUP BY subscriber_id
  ),
  tally AS (
    INSERT INTO ${t.eventTotals} AS tt (subscriber_id, events)
    SELECT subscriber_id, n FROM added ORDER BY subscriber_id
    ON CONFLICT (subscriber_id) DO UPDATE SET events = tt.events + EXCLUDED.events
    RETURNING subscriber_id, events
  )
  INSERT INTO ${t.eventRanks} (subscriber_id, seq, event_id)
  SELECT r.subscriber_id, tally.events - added.n + row_number() OVER (PARTITION BY r.subscriber_id ORDER BY r.id), r.id
  FROM new_rows r JOIN added USING (subscriber_id) JOIN tally USING (subscriber_id);
  RETURN NULL;
END
$body$`);

    // Deletes are rare (a contact deleted, or SQL outside the API): renumber what is left of each contact touched.
    await queryRunner.query(`
CREATE FUNCTION ${fn('fc_event_tracking_rows_removed')}() RETURNS trigger LANGUAGE plpgsql AS $body$
DECLARE
  touched bigint[];
BEGIN
  SELECT array_agg(DISTINCT subscriber_id ORDER BY subscriber_id) INTO touched FROM old_rows;
  -- The totals row lock orders this against concurrent inserts; the statements below see their commits.
  PERFORM 1 FROM ${t.eventTotals} WHERE subscriber_id = ANY (touched) ORDER BY subscriber_id FOR UPDATE;
  DELETE FROM ${t.eventRanks} WHERE subscriber_id = ANY (touched);
  ${numberRows('subscriber_id = ANY (touched)')};
  UPDATE ${t.eventTotals} tt SET events = c.n
  FROM (SELECT subscriber_id, count(*) AS n FROM ${t.eventRanks} WHERE subscriber_id = ANY (touched) GROUP BY subscriber_id) c
  WHERE tt.subscriber_id = c.subscriber_id;
  DELETE FROM ${t.eventTotals} tt
  WHERE tt.subscriber_id = ANY (touched)
    AND NOT EXISTS (SELECT 1 FROM ${t.eventRanks} r WHERE r.subscriber_id = tt.subscriber_id);
  RETURN NULL;
END
$body$`);

    await queryRunner.query(`
CREATE FUNCTION ${fn('fc_event_tracking_truncated')}() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN
  TRUNCATE ${t.eventTotals}, ${t.eventRanks};
  RETURN NULL;
END
$body$`);

    await queryRunner.query(
      `CREATE TRIGGER fc_event_tracking_rows_added AFTER INSERT ON ${t.events}
       REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ${fn('fc_event_tracking_rows_added')}()`,
    );
    await queryRunner.query(
      `CREATE TRIGGER fc_event_tracking_rows_removed AFTER DELETE ON ${t.events}
       REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION ${fn('fc_event_tracking_rows_removed')}()`,
    );
    await queryRunner.query(
      `CREATE TRIGGER fc_event_tracking_truncated AFTER TRUNCATE ON ${t.events}
       FOR EACH STATEMENT EXECUTE FUNCTION ${fn('fc_event_tracking_truncated')}()`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const schema = migrationSchema(queryRunner);
    const t = tableNames(schema);
    for (const name of ['fc_event_tracking_rows_added', 'fc_event_tracking_rows_removed', 'fc_event_tracking_truncated']) {
      await queryRunner.query(`DROP TRIGGER IF EXISTS ${name} ON ${t.events}`);
      await queryRunner.query(`DROP FUNCTION IF EXISTS ${quoteIdent(schema)}.${quoteIdent(name)}()`);
    }
    await queryRunner.query(`DROP TABLE IF EXISTS ${t.eventRanks}, ${t.eventTotals}`);
  }
}
