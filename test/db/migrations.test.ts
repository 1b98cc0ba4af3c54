import { createEventTracking, silentLogger } from '../../src';
import { migrations } from '../../src/db/migrations';
import { dropSchema, testDatabaseUrl, uniqueSchemaName } from '../helpers/testRuntime';

/** Every migration the code ships, by the name TypeORM records (the class name). */
const ALL_MIGRATIONS = migrations.map((migration) => migration.name);

describe('start-up migrations', () => {
  test('several runtimes starting at once on a fresh schema migrate it exactly once', async () => {
    const schema = uniqueSchemaName();
    try {
      const runtimes = await Promise.all(
        [1, 2, 3].map(() => createEventTracking({ databaseUrl: testDatabaseUrl(), schema, logger: silentLogger, poolSize: 2 })),
      );
      const applied = await runtimes[0].dataSource.query(`SELECT name FROM "${schema}".migrations`);
      expect(applied).toEqual(ALL_MIGRATIONS.map((name) => ({ name })));
      await Promise.all(runtimes.map((rt) => rt.close()));
    } finally {
      await dropSchema(schema);
    }
  });

  test('the tables carry the case-insensitive unique key and the cascading foreign key', async () => {
    const schema = uniqueSchemaName();
    const rt = await createEventTracking({ databaseUrl: testDatabaseUrl(), schema, logger: silentLogger });
    try {
      const indexes: Array<{ indexdef: string }> = await rt.dataSource.query(
        `SELECT indexdef FROM pg_indexes WHERE schemaname = $1 AND tablename = 'fc_event_tracking'`,
        [schema],
      );
      expect(indexes.map((i) => i.indexdef)).toContainEqual(
        expect.stringMatching(/UNIQUE INDEX .* \(subscriber_id, lower\(\(event_key\)::text\), lower\(\(title\)::text\)\)/),
      );
      const fks: Array<{ confdeltype: string }> = await rt.dataSource.query(
        `SELECT c.confdeltype FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
           JOIN pg_class t ON t.oid = c.conrelid
          WHERE n.nspname = $1 AND c.contype = 'f' AND t.relname = 'fc_event_tracking'`,
        [schema],
      );
      expect(fks).toEqual([{ confdeltype: 'c' }]); // c = ON DELETE CASCADE
      // The suite's own server, whichever host DATABASE_URL names.
      expect(rt.database).toEqual({ kind: 'postgres', url: expect.stringContaining(`@${new URL(testDatabaseUrl()).host}/`) as unknown as string, schema });
    } finally {
      await rt.close();
      await rt.close(); // idempotent
      await dropSchema(schema);
    }
  });

  test('an unknown time zone or a bad pool size fails at start-up, not at the first event', async () => {
    await expect(createEventTracking({ databaseUrl: testDatabaseUrl(), timeZone: 'Mars/Olympus', logger: silentLogger })).rejects.toThrow(RangeError);
    await expect(createEventTracking({ databaseUrl: testDatabaseUrl(), poolSize: 0, logger: silentLogger })).rejects.toThrow('poolSize');
  });

  test('an unreachable database is a clear start-up error', async () => {
    await expect(
      createEventTracking({ databaseUrl: 'postgres://postgres@127.0.0.1:1/none', logger: silentLogger }),
    ).rejects.toThrow(/ECONNREFUSED|connect/);
  });
});
