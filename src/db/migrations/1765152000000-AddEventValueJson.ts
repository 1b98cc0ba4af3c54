import type { MigrationInterface, QueryRunner } from 'typeorm';
import { quoteIdent, tableNames } from '../tableNames';
import { migrationSchema } from './migrationSchema';

const TRY_JSONB = 'fc_try_jsonb_structure';

/**
 * Event properties (docs/event-properties.md): `value` stays the text FluentCRM answers with, and a
 * structured value (a JSON object or array) is also kept as jsonb, on the event row (its latest
 * value) and on each occurrence (its own), for the event_tracking_property filter. Scalars have no
 * properties, so their value_json is NULL: the filter's rows drop out at once, and writes of
 * scalar values cost nothing more. Nullable without a default, so adding the columns rewrites nothing.
 *
 * No index on value_json: the filter reaches its rows through the key index (and, for occurrences,
 * (event_id, occurred_at)) and tests the property there; a GIN index serves neither ranges nor
 * case-insensitive text, and would cost every write (see the EXPLAIN test and BENCHMARKS.md).
 *
 * Existing rows: text that parses as a JSON object or array is copied; anything else (including
 * text jsonb rejects, such as \u0000) stays NULL, through a helper that turns the error into NULL.
 */
export class AddEventValueJson1765152000000 implements MigrationInterface {
  name = 'AddEventValueJson1765152000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const schema = migrationSchema(queryRunner);
    const t = tableNames(schema);
    const fn = `${quoteIdent(schema)}.${quoteIdent(TRY_JSONB)}`;
    await queryRunner.query(`ALTER TABLE ${t.events} ADD COLUMN value_json jsonb NULL`);
    await queryRunner.query(`ALTER TABLE ${t.occurrences} ADD COLUMN value_json jsonb NULL`);
    await queryRunner.query(`
CREATE FUNCTION ${fn}(input text) RETURNS jsonb LANGUAGE plpgsql IMMUTABLE AS $body$
DECLARE
  parsed jsonb;
BEGIN
  parsed := input::jsonb;
  RETURN CASE WHEN jsonb_typeof(parsed) IN ('object', 'array') THEN parsed END;
EXCEPTION WHEN others THEN
  RETURN NULL;
END
$body$`);
    // Only text that starts like an object or array is tried: the rest cannot be one.
    for (const table of [t.events, t.occurrences]) {
      await queryRunner.query(`UPDATE ${table} SET value_json = ${fn}(value) WHERE left(value, 1) IN ('{', '[') AND ${fn}(value) IS NOT NULL`);
    }
    await queryRunner.query(`DROP FUNCTION ${fn}(text)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const t = tableNames(migrationSchema(queryRunner));
    await queryRunner.query(`ALTER TABLE ${t.occurrences} DROP COLUMN IF EXISTS value_json`);
    await queryRunner.query(`ALTER TABLE ${t.events} DROP COLUMN IF EXISTS value_json`);
  }
}
