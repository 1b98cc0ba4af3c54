import type { MigrationInterface, QueryRunner } from 'typeorm';
import { definitionTables } from '../../definitions/definitionTables';
import { migrationSchema } from './migrationSchema';

/**
 * Event definitions (issue 16): a JSON Schema per event key, checked on every entrance. One per key,
 * case-insensitively, like the tracker's keys. The schema is kept as the JSON text it was given (key
 * order as written). `violations` counts values stored in `report` mode that failed; the table of
 * violations keeps only the newest few per key. The one-row version counter lets every process's
 * cache see a change with one tiny read per refresh interval instead of a read per event.
 */
export class CreateEventDefinitions1765238400000 implements MigrationInterface {
  name = 'CreateEventDefinitions1765238400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = definitionTables(migrationSchema(queryRunner));
    await queryRunner.query(`
      CREATE TABLE ${t.definitions} (
        id bigserial PRIMARY KEY,
        event_key varchar(192) NOT NULL,
        mode varchar(16) NOT NULL CHECK (mode IN ('enforce', 'report')),
        schema_json text NOT NULL,
        violations bigint NOT NULL DEFAULT 0,
        last_violation_at timestamptz NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX fc_event_definitions_key_ci ON ${t.definitions} (lower(event_key))`);
    await queryRunner.query(`
      CREATE TABLE ${t.violations} (
        id bigserial PRIMARY KEY,
        event_key varchar(192) NOT NULL,
        event_id bigint NULL,
        subscriber_id bigint NULL,
        errors jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX fc_event_definition_violations_key ON ${t.violations} (lower(event_key), id)`);
    await queryRunner.query(`CREATE TABLE ${t.version} (id smallint PRIMARY KEY CHECK (id = 1), version bigint NOT NULL)`);
    await queryRunner.query(`INSERT INTO ${t.version} (id, version) VALUES (1, 0)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const t = definitionTables(migrationSchema(queryRunner));
    await queryRunner.query(`DROP TABLE IF EXISTS ${t.version}`);
    await queryRunner.query(`DROP TABLE IF EXISTS ${t.violations}`);
    await queryRunner.query(`DROP TABLE IF EXISTS ${t.definitions}`);
  }
}
