import type { MigrationInterface, QueryRunner } from 'typeorm';
import { automationRunsTable } from '../../automation/runsTable';
import { migrationSchema } from './migrationSchema';

/**
 * Done actions are delivered at least once, so one delivery can arrive twice (a redelivery after a
 * lease ran out). Recording the delivery id with a run lets a run_multiple automation start once
 * per delivery, not once per arrival.
 */
export class AddAutomationRunDelivery1764633600000 implements MigrationInterface {
  name = 'AddAutomationRunDelivery1764633600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const table = automationRunsTable(migrationSchema(queryRunner));
    await queryRunner.query(`ALTER TABLE ${table} ADD COLUMN delivery_id bigint NULL`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX fc_automation_runs_delivery ON ${table} (automation_id, delivery_id) WHERE delivery_id IS NOT NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const table = automationRunsTable(migrationSchema(queryRunner));
    await queryRunner.query(`DROP INDEX IF EXISTS ${table.replace(/"fc_automation_runs"$/, '"fc_automation_runs_delivery"')}`);
    await queryRunner.query(`ALTER TABLE ${table} DROP COLUMN IF EXISTS delivery_id`);
  }
}
