import type { MigrationInterface, QueryRunner } from 'typeorm';
import { automationRunsTable } from '../../automation/runsTable';
import { tableNames } from '../tableNames';
import { migrationSchema } from './migrationSchema';

/**
 * Which contact ran which automation. The partial unique key is the run-once claim: the database,
 * not a process, decides who starts the automation, so it holds across restarts and processes.
 * run_multiple runs are plain rows outside that key. `event_id` has no foreign key on purpose:
 * events only disappear with their contact, whose runs cascade anyway, and an FK would need one
 * more index for every event deletion.
 */
export class CreateAutomationRuns1764374400000 implements MigrationInterface {
  name = 'CreateAutomationRuns1764374400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const schema = migrationSchema(queryRunner);
    const table = automationRunsTable(schema);
    await queryRunner.query(`
      CREATE TABLE ${table} (
        id            bigserial PRIMARY KEY,
        automation_id varchar(100) NOT NULL,
        subscriber_id bigint NOT NULL REFERENCES ${tableNames(schema).subscribers} (id) ON DELETE CASCADE,
        event_id      bigint NULL,
        run_once      boolean NOT NULL,
        status        varchar(20) NOT NULL DEFAULT 'started' CHECK (status IN ('started', 'completed', 'failed')),
        error         text NULL,
        created_at    timestamptz NOT NULL DEFAULT now(),
        finished_at   timestamptz NULL
      )`);
    // The claim's ON CONFLICT target repeats this index exactly (columns and predicate).
    await queryRunner.query(
      `CREATE UNIQUE INDEX fc_automation_runs_run_once ON ${table} (automation_id, subscriber_id) WHERE run_once`,
    );
    // Serves "has this contact run it?" for every row and the cascade from fc_subscribers.
    await queryRunner.query(`CREATE INDEX fc_automation_runs_subscriber ON ${table} (subscriber_id, automation_id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS ${automationRunsTable(migrationSchema(queryRunner))}`);
  }
}
