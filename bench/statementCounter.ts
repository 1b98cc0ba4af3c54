import type { DataSource, EntitySubscriberInterface } from 'typeorm';
import { statementChannel } from '../src/db/preparedStatements';

/**
 * Counts the statements the runtime sends, through TypeORM or through the stores' runner (announced on
 * their diagnostics channel), by shape ("INSERT fc_event_tracking"),
 * while switched on. It reads what the code does today, so the report names the hook path's real
 * round trips even as the tracker changes. Used on untimed warm-ups only; the pg baseline bypasses
 * TypeORM and is never counted.
 */
export interface StatementCounter {
  /** Runs `work`, counting the statements sent meanwhile: its result and the counts by shape. */
  count<T>(work: () => Promise<T>): Promise<{ result: T; counts: Map<string, number> }>;
  detach(): void;
}

export function attachStatementCounter(dataSource: DataSource): StatementCounter {
  let counts: Map<string, number> | undefined;
  const record = (sql: string) => {
    if (!counts) return;
    const shape = statementShape(sql);
    counts.set(shape, (counts.get(shape) ?? 0) + 1);
  };
  const subscriber: EntitySubscriberInterface = {
    beforeQuery(event: { query: string }) {
      record(event.query);
    },
  };
  const onStatement = (message: unknown) => record((message as { sql: string }).sql);
  dataSource.subscribers.push(subscriber);
  statementChannel.subscribe(onStatement);
  return {
    async count(work) {
      const current = new Map<string, number>();
      counts = current;
      try {
        return { result: await work(), counts: current };
      } finally {
        counts = undefined;
      }
    },
    detach() {
      statementChannel.unsubscribe(onStatement);
      const at = dataSource.subscribers.indexOf(subscriber);
      if (at >= 0) dataSource.subscribers.splice(at, 1);
    },
  };
}

/** The leading keyword and the tables named, in order: enough to tell the statements apart. */
export function statementShape(sql: string): string {
  const keyword = /^\s*(\w+)/.exec(sql)?.[1]?.toUpperCase() ?? '?';
  const tables = [...new Set([...sql.matchAll(/"(fc_\w+)"/g)].map((m) => m[1]))];
  return tables.length > 0 ? `${keyword} ${tables.join(', ')}` : keyword;
}
