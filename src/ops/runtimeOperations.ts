import type { DataSource } from 'typeorm';
import { migrations } from '../db/migrations';
import type { TableNames } from '../db/tableNames';
import { outboxBacklog } from './outboxGauges';
import { poolOf } from './pool';
import { Readiness, type ReadinessOptions } from './readiness';
import { RuntimeMetrics } from './runtimeMetrics';
import { openTracing, type Tracing, type TracingOptions } from './tracing';

/** A runtime's health, metrics and tracing (`rt.operations`): what the server's /readyz and /metrics serve. */
export interface RuntimeOperations {
  /** fcrm_* metrics in the runtime's own prom-client registry (`metrics.registry`). */
  metrics: RuntimeMetrics;
  /** What /readyz reports; `beginShutdown()` turns it to 503 at once. */
  readiness: Readiness;
  tracing: Tracing;
}

export interface OperationsOptions {
  /** OpenTelemetry: `false` off; `{ tracerProvider }` on with that provider; unset: on when OTEL_EXPORTER_OTLP_ENDPOINT is set. */
  tracing?: TracingOptions | false;
  readiness?: ReadinessOptions;
}

export async function openOperations(
  database: { dataSource: DataSource; schema: string },
  tables: TableNames,
  options: OperationsOptions,
): Promise<RuntimeOperations> {
  const pool = poolOf(database.dataSource);
  const names = migrations.map((migration) => migration.name);
  return {
    metrics: new RuntimeMetrics(pool, outboxBacklog(pool, tables.outbox)),
    readiness: new Readiness(pool, database.schema, names, options.readiness),
    tracing: await openTracing(options.tracing),
  };
}
