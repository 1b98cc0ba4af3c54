import type { MigrationInterface, QueryRunner } from 'typeorm';
import { tableNames } from '../tableNames';
import { migrationSchema } from './migrationSchema';

/**
 * What FluentCRM lacks: an append-only history of every occurrence (the counter row stays as it
 * is), idempotency keys applied once per contact within a retention window, and an outbox so a
 * done action committed with its event is delivered even if the process dies before dispatching.
 */
export class AddEventHistoryAndOutbox1764460800000 implements MigrationInterface {
  name = 'AddEventHistoryAndOutbox1764460800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = tableNames(migrationSchema(queryRunner));
    await queryRunner.query(`
      CREATE TABLE ${t.occurrences} (
        id              bigserial PRIMARY KEY,
        event_id        bigint NOT NULL REFERENCES ${t.events} (id) ON DELETE CASCADE,
        subscriber_id   bigint NOT NULL,
        counter         integer NOT NULL,
        value           text NOT NULL DEFAULT '',
        provider        varchar(50) NOT NULL DEFAULT 'custom',
        created_by      bigint NULL,
        idempotency_key varchar(191) NULL,
        occurred_at     timestamptz NOT NULL,
        created_at      timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX fc_event_occurrences_event ON ${t.occurrences} (event_id, id DESC)`);
    await queryRunner.query(`CREATE INDEX fc_event_occurrences_subscriber_time ON ${t.occurrences} (subscriber_id, occurred_at)`);
    await queryRunner.query(
      `CREATE INDEX fc_event_occurrences_idempotency ON ${t.occurrences} (subscriber_id, idempotency_key) WHERE idempotency_key IS NOT NULL`,
    );
    // The claim a write makes before it counts; the primary key is its ON CONFLICT target.
    await queryRunner.query(`
      CREATE TABLE ${t.idempotencyKeys} (
        subscriber_id   bigint NOT NULL REFERENCES ${t.subscribers} (id) ON DELETE CASCADE,
        idempotency_key varchar(191) NOT NULL,
        created_at      timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (subscriber_id, idempotency_key)
      )`);
    await queryRunner.query(`CREATE INDEX fc_event_idempotency_keys_created ON ${t.idempotencyKeys} (created_at)`);
    await queryRunner.query(`
      CREATE TABLE ${t.outbox} (
        id             bigserial PRIMARY KEY,
        event_id       bigint NOT NULL REFERENCES ${t.events} (id) ON DELETE CASCADE,
        occurrence_id  bigint NOT NULL,
        subscriber_id  bigint NOT NULL,
        attempts       integer NOT NULL DEFAULT 0,
        claimed_until  timestamptz NULL,
        delivered_at   timestamptz NULL,
        created_at     timestamptz NOT NULL DEFAULT now()
      )`);
    // What the recovery poller scans: undelivered rows only.
    await queryRunner.query(`CREATE INDEX fc_event_outbox_pending ON ${t.outbox} (claimed_until, id) WHERE delivered_at IS NULL`);
    await queryRunner.query(`CREATE INDEX fc_event_outbox_delivered ON ${t.outbox} (delivered_at) WHERE delivered_at IS NOT NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const t = tableNames(migrationSchema(queryRunner));
    await queryRunner.query(`DROP TABLE IF EXISTS ${t.outbox}`);
    await queryRunner.query(`DROP TABLE IF EXISTS ${t.idempotencyKeys}`);
    await queryRunner.query(`DROP TABLE IF EXISTS ${t.occurrences}`);
  }
}
