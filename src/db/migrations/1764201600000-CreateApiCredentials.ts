import type { MigrationInterface, QueryRunner } from 'typeorm';
import { credentialsTable } from '../../auth/credentialsTable';
import { migrationSchema } from './migrationSchema';

/**
 * Application passwords for the REST API (WordPress style): a name, a slow hash of the generated
 * password, the capabilities it grants and the WordPress user it acts as. Names are unique
 * case-insensitively, so "Admin" cannot shadow "admin".
 */
export class CreateApiCredentials1764201600000 implements MigrationInterface {
  name = 'CreateApiCredentials1764201600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const table = credentialsTable(migrationSchema(queryRunner));
    await queryRunner.query(`
      CREATE TABLE ${table} (
        id            bigserial PRIMARY KEY,
        name          varchar(60) NOT NULL,
        password_hash text NOT NULL,
        capabilities  text[] NOT NULL,
        user_id       bigint NULL,
        created_at    timestamptz NOT NULL DEFAULT now(),
        last_used_at  timestamptz NULL
      )`);
    // The store's lookups and its ON CONFLICT target repeat this expression exactly.
    await queryRunner.query(`CREATE UNIQUE INDEX fc_api_credentials_name_ci ON ${table} (lower(name))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS ${credentialsTable(migrationSchema(queryRunner))}`);
  }
}
