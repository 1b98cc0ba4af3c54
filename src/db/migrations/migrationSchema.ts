import type { QueryRunner } from 'typeorm';

/** The schema the DataSource was configured with (`public` by default); migrations write there. */
export function migrationSchema(queryRunner: QueryRunner): string {
  const options = queryRunner.connection.options as { schema?: string };
  return options.schema ?? 'public';
}
