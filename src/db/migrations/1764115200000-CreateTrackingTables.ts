import type { MigrationInterface, QueryRunner } from 'typeorm';
import { migrationSchema } from './migrationSchema';
import { tableNames } from '../tableNames';

/**
 * FluentCRM's two tables, plus what FluentCRM lacks: a case-insensitive unique key per
 * (contact, event_key, title) so one atomic upsert can count, and a foreign key that removes a
 * contact's events with it.
 */
export class CreateTrackingTables1764115200000 implements MigrationInterface {
  name = 'CreateTrackingTables1764115200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const schema = migrationSchema(queryRunner);
    const t = tableNames(schema);
    await queryRunner.query(`
      CREATE TABLE ${t.subscribers} (
        id          bigserial PRIMARY KEY,
        user_id     bigint NULL,
        email       varchar(190) NOT NULL,
        first_name  varchar(192) NULL,
        last_name   varchar(192) NULL,
        status      varchar(50) NOT NULL DEFAULT 'subscribed'
                    CHECK (status IN ('subscribed', 'pending', 'unsubscribed', 'bounced', 'complained')),
        created_at  timestamptz NOT NULL DEFAULT now(),
        updated_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX fc_subscribers_email_ci ON ${t.subscribers} (lower(email))`);
    await queryRunner.query(`CREATE INDEX fc_subscribers_user_id ON ${t.subscribers} (user_id)`);
    await queryRunner.query(`
      CREATE TABLE ${t.events} (
        id            bigserial PRIMARY KEY,
        subscriber_id bigint NOT NULL REFERENCES ${t.subscribers} (id) ON DELETE CASCADE,
        counter       integer NOT NULL DEFAULT 1,
        created_by    bigint NULL,
        provider      varchar(50) NOT NULL DEFAULT 'custom',
        event_key     varchar(192) NOT NULL,
        title         varchar(192) NOT NULL,
        value         text NOT NULL DEFAULT '',
        created_at    timestamptz NOT NULL DEFAULT now(),
        updated_at    timestamptz NOT NULL DEFAULT now()
      )`);
    // The upsert's conflict target repeats these expressions exactly.
    await queryRunner.query(
      `CREATE UNIQUE INDEX fc_event_tracking_subscriber_key_title_ci
         ON ${t.events} (subscriber_id, lower(event_key), lower(title))`,
    );
    await queryRunner.query(`CREATE INDEX fc_event_tracking_event_key_ci ON ${t.events} (lower(event_key))`);
    await queryRunner.query(`CREATE INDEX fc_event_tracking_subscriber_id_id ON ${t.events} (subscriber_id, id DESC)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const t = tableNames(migrationSchema(queryRunner));
    await queryRunner.query(`DROP TABLE IF EXISTS ${t.events}`);
    await queryRunner.query(`DROP TABLE IF EXISTS ${t.subscribers}`);
  }
}
