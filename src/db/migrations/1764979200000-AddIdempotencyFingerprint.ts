import type { MigrationInterface, QueryRunner } from 'typeorm';
import { tableNames } from '../tableNames';
import { migrationSchema } from './migrationSchema';

/**
 * An idempotency key reused with a different event was answered as a replay, so the second event was
 * dropped silently. The claim now remembers what it was for: the SHA-256 of the normalised event
 * (src/tracking/eventFingerprint.ts). Claims made before this migration have none (NULL = unknown)
 * and are taken as a match, as they were.
 */
export class AddIdempotencyFingerprint1764979200000 implements MigrationInterface {
  name = 'AddIdempotencyFingerprint1764979200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = tableNames(migrationSchema(queryRunner));
    await queryRunner.query(`ALTER TABLE ${t.idempotencyKeys} ADD COLUMN fingerprint bytea NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const t = tableNames(migrationSchema(queryRunner));
    await queryRunner.query(`ALTER TABLE ${t.idempotencyKeys} DROP COLUMN IF EXISTS fingerprint`);
  }
}
