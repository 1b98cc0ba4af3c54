import type { MigrationInterface, QueryRunner } from 'typeorm';
import { automationRunsTable } from '../../automation/runsTable';
import { SUPPRESSED_SQLSTATE } from '../../contacts/suppression';
import { quoteIdent, tableNames } from '../tableNames';
import { migrationSchema } from './migrationSchema';

/**
 * Operations (issue 17):
 *  - fc_event_retention: per event key, how many days its history (fc_event_occurrences) is kept;
 *    `days` NULL = kept for ever, overriding the runtime's default. Keys match case-insensitively, as
 *    the events' own unique key does.
 *  - fc_suppressions: e-mails of erased contacts, as fc_email_hash(email) (SHA-256 of the trimmed,
 *    lower-cased address), never the address. The hash is computed by one SQL function so the erase,
 *    the check and DELETE /suppressions/{email} cannot disagree about what is lower case.
 *  - a row trigger on fc_subscribers refuses a suppressed e-mail on INSERT (and on an UPDATE of email),
 *    whatever path writes the row (the API, an import, another process, TypeORM). It runs AFTER the row
 *    is written: a create that waited on an erase's row lock then sees the erase's committed
 *    suppression (a new snapshot per statement in the trigger), where a check before the insert would not.
 *  - a partial index for pruning finished run_multiple automation runs by age.
 */
export class AddRetentionAndSuppressions1765324800000 implements MigrationInterface {
  name = 'AddRetentionAndSuppressions1765324800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const schema = migrationSchema(queryRunner);
    const t = tableNames(schema);
    const fn = (name: string) => `${quoteIdent(schema)}.${quoteIdent(name)}`;
    await queryRunner.query(`
      CREATE TABLE ${t.eventRetention} (
        event_key  varchar(192) NOT NULL,
        days       integer NULL CHECK (days IS NULL OR days >= 1),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX fc_event_retention_key_ci ON ${t.eventRetention} (lower(event_key))`);

    await queryRunner.query(
      `CREATE FUNCTION ${fn('fc_email_hash')}(email text) RETURNS bytea LANGUAGE sql IMMUTABLE STRICT
       AS $body$ SELECT sha256(convert_to(lower(btrim(email)), 'UTF8')) $body$`,
    );
    await queryRunner.query(`
      CREATE TABLE ${t.suppressions} (
        email_hash bytea PRIMARY KEY,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
CREATE FUNCTION ${fn('fc_subscribers_suppressed')}() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN
  IF EXISTS (SELECT 1 FROM ${t.suppressions} WHERE email_hash = ${fn('fc_email_hash')}(NEW.email)) THEN
    RAISE EXCEPTION 'subscriber_suppressed' USING ERRCODE = '${SUPPRESSED_SQLSTATE}',
      DETAIL = 'This e-mail belongs to an erased contact; remove its suppression to create it again.';
  END IF;
  RETURN NULL;
END
$body$`);
    await queryRunner.query(
      `CREATE TRIGGER fc_subscribers_suppressed AFTER INSERT OR UPDATE OF email ON ${t.subscribers}
       FOR EACH ROW EXECUTE FUNCTION ${fn('fc_subscribers_suppressed')}()`,
    );

    await queryRunner.query(
      `CREATE INDEX fc_automation_runs_finished ON ${automationRunsTable(schema)} (finished_at)
       WHERE finished_at IS NOT NULL AND NOT run_once`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const schema = migrationSchema(queryRunner);
    const t = tableNames(schema);
    const fn = (name: string) => `${quoteIdent(schema)}.${quoteIdent(name)}`;
    await queryRunner.query(`DROP INDEX IF EXISTS ${fn('fc_automation_runs_finished')}`);
    await queryRunner.query(`DROP TRIGGER IF EXISTS fc_subscribers_suppressed ON ${t.subscribers}`);
    await queryRunner.query(`DROP FUNCTION IF EXISTS ${fn('fc_subscribers_suppressed')}()`);
    await queryRunner.query(`DROP TABLE IF EXISTS ${t.suppressions}, ${t.eventRetention}`);
    await queryRunner.query(`DROP FUNCTION IF EXISTS ${fn('fc_email_hash')}(text)`);
  }
}
