import type { MigrationInterface, QueryRunner } from 'typeorm';
import { tableNames } from '../tableNames';
import { migrationSchema } from './migrationSchema';

/**
 * The W3C trace context (`traceparent`) of the call that recorded a done action, so a delivery made
 * later by the recovery poller continues that call's trace. NULL when tracing is off.
 */
export class AddOutboxTraceContext1765280000000 implements MigrationInterface {
  name = 'AddOutboxTraceContext1765280000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = tableNames(migrationSchema(queryRunner));
    await queryRunner.query(`ALTER TABLE ${t.outbox} ADD COLUMN trace_context varchar(256) NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const t = tableNames(migrationSchema(queryRunner));
    await queryRunner.query(`ALTER TABLE ${t.outbox} DROP COLUMN IF EXISTS trace_context`);
  }
}
