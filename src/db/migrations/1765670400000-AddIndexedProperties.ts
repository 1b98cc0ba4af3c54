import type { MigrationInterface, QueryRunner } from 'typeorm';
import { definitionTables } from '../../definitions/definitionTables';
import { tableNames } from '../tableNames';
import { migrationSchema } from './migrationSchema';

/**
 * Indexed properties (docs/event-properties.md): a definition may name number and string properties to index
 * (`indexed_properties`); their expression indexes are created by the definitions, not here. Each
 * occurrence also carries its event row's key, so an `any`-scope filter on an indexed property reads
 * one partial index of the history and never looks up 10^5 event rows to learn their keys.
 * Nullable: rows written before are filled here, and the writer fills every new one.
 */
export class AddIndexedProperties1765670400000 implements MigrationInterface {
  name = 'AddIndexedProperties1765670400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const schema = migrationSchema(queryRunner);
    const t = tableNames(schema);
    await queryRunner.query(`ALTER TABLE ${definitionTables(schema).definitions} ADD COLUMN indexed_properties jsonb NOT NULL DEFAULT '[]'::jsonb`);
    await queryRunner.query(`ALTER TABLE ${t.occurrences} ADD COLUMN event_key varchar(192) NULL`);
    await queryRunner.query(`UPDATE ${t.occurrences} o SET event_key = e.event_key FROM ${t.events} e WHERE e.id = o.event_id`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const schema = migrationSchema(queryRunner);
    await queryRunner.query(`ALTER TABLE ${tableNames(schema).occurrences} DROP COLUMN IF EXISTS event_key`);
    await queryRunner.query(`ALTER TABLE ${definitionTables(schema).definitions} DROP COLUMN IF EXISTS indexed_properties`);
  }
}
