import type { MigrationInterface, QueryRunner } from 'typeorm';
import { quoteIdent } from '../tableNames';
import { migrationSchema } from './migrationSchema';

/**
 * Webhooks (issue #18 item 3): the registered endpoints and the persisted queue of their deliveries.
 * `UNIQUE (webhook_id, delivery_id)` makes enqueueing idempotent: a done action is delivered at least
 * once in-process, and every repeat of it inserts nothing. Deleting a webhook deletes its queue.
 */
export class CreateWebhooks1765497600000 implements MigrationInterface {
  name = 'CreateWebhooks1765497600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = quoteIdent(migrationSchema(queryRunner));
    await queryRunner.query(`
      CREATE TABLE ${s}."fc_webhooks" (
        id bigserial PRIMARY KEY,
        url text NOT NULL,
        event_keys text[] NULL,
        secret text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE ${s}."fc_webhook_deliveries" (
        id bigserial PRIMARY KEY,
        webhook_id bigint NOT NULL REFERENCES ${s}."fc_webhooks" (id) ON DELETE CASCADE,
        delivery_id bigint NOT NULL,
        -- The contact in the payload, so erasing a contact (src/privacy) finds its queued deliveries.
        subscriber_id bigint NULL,
        event_key text NOT NULL,
        payload jsonb NOT NULL,
        state text NOT NULL DEFAULT 'pending',
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NULL DEFAULT now(),
        last_status integer NULL,
        last_error text NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT fc_webhook_deliveries_once UNIQUE (webhook_id, delivery_id)
      )`);
    // The dispatcher's claim: pending rows by due time.
    await queryRunner.query(
      `CREATE INDEX fc_webhook_deliveries_due ON ${s}."fc_webhook_deliveries" (next_attempt_at) WHERE state = 'pending'`,
    );
    // The retention purge: finished rows by age.
    await queryRunner.query(
      `CREATE INDEX fc_webhook_deliveries_finished ON ${s}."fc_webhook_deliveries" (updated_at) WHERE state <> 'pending'`,
    );
    // Erasing a contact deletes its deliveries (their payload holds the contact).
    await queryRunner.query(`CREATE INDEX fc_webhook_deliveries_subscriber ON ${s}."fc_webhook_deliveries" (subscriber_id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = quoteIdent(migrationSchema(queryRunner));
    await queryRunner.query(`DROP TABLE IF EXISTS ${s}."fc_webhook_deliveries"`);
    await queryRunner.query(`DROP TABLE IF EXISTS ${s}."fc_webhooks"`);
  }
}
