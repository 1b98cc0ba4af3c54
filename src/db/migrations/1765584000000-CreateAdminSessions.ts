import type { MigrationInterface, QueryRunner } from 'typeorm';
import { adminSessionsTable } from '../../admin/sessionTable';
import { migrationSchema } from './migrationSchema';

/**
 * Sessions of the admin page (/admin), in the database so every process sharing it knows them.
 * Only the SHA-256 of a session id is stored: a leaked table cannot be replayed as cookies. The
 * credential is named, not copied: every request re-reads its capabilities, so revoking the
 * credential ends its sessions.
 */
export class CreateAdminSessions1765584000000 implements MigrationInterface {
  name = 'CreateAdminSessions1765584000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const table = adminSessionsTable(migrationSchema(queryRunner));
    await queryRunner.query(`
      CREATE TABLE ${table} (
        id_hash         bytea PRIMARY KEY,
        credential_name varchar(60) NOT NULL,
        created_at      timestamptz NOT NULL DEFAULT now(),
        expires_at      timestamptz NOT NULL
      )`);
    // Sign-in removes expired sessions by this index.
    await queryRunner.query(`CREATE INDEX fc_admin_sessions_expires ON ${table} (expires_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS ${adminSessionsTable(migrationSchema(queryRunner))}`);
  }
}
