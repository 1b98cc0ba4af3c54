import { Client } from 'pg';

/** Whether a PostgreSQL at `url` accepts a connection and a query within `timeoutMs`. */
export async function databaseAnswers(url: string, timeoutMs = 1_000): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}
