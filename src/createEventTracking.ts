import { createHookRegistry, type HookRegistry } from '../hooks/registry';
import { registerTrackEventListener } from '../hooks/trackEventListener';
import { createApiAccessor, type ApiAccessor } from './api';
import { createContactsApi } from './api/contactsApi';
import { createEventTrackerApi } from './api/eventTrackerApi';
import { createEventDefinitionsApi } from './api/eventDefinitionsApi';
import { DefinitionStore } from './definitions/definitionStore';
import { definitionTables } from './definitions/definitionTables';
import { EventDefinitions, refreshMsOf } from './definitions/eventDefinitions';
import { PropertyIndexes } from './properties/propertyIndexes';
import { createAutomations, type Automations } from './automation/automations';
import type { PropertyIndexedResolver, PropertyTypeResolver } from './properties/propertyTest';
import { AutomationRunStore } from './automation/runStore';
import { ContactStore } from './contacts/contactStore';
import { ActingUserContext, type ActingUser } from './context/actingUser';
import { openDatabase, type DatabaseOptions } from './db/openDatabase';
import { sqlRunner } from './db/preparedStatements';
import { tableNames } from './db/tableNames';
import { checkContactMatches, parseFilterGroups } from './filters';
import { formatDateTime } from './format/dateTime';
import { InFlight } from './runtime/inFlight';
import { ReadBudget, type ReadBudgetOptions } from './runtime/readBudget';
import { consoleLogger, type Logger } from './runtime/logger';
import { AfterCommitHooks } from './tracking/afterCommitHooks';
import { EventStore } from './tracking/eventStore';
import { ContactResolver, type UserEmailResolver } from './tracking/resolveContact';
import { MAX_BATCH, Tracker } from './tracking/tracker';
import { CoalescingWriter } from './tracking/coalescingWriter';
import { EventWriter } from './tracking/eventWriter';
import { OutboxPoller } from './outbox/outboxPoller';
import { OutboxStore } from './outbox/outboxStore';
import { DeliveredMarks } from './outbox/deliveredMarks';
import { NatsRelay } from './relay/natsRelay';
import { relaySettings, type RelayOptions } from './relay/relaySettings';
import { RelayStore } from './relay/relayStore';
import { createWebhooks, type WebhookOptions, type WebhooksApi } from './webhooks';
import type { DataSource } from 'typeorm';
import { createPrivacy, type Privacy } from './privacy/privacy';
import { RetentionPruner, type PruneReport } from './retention/pruner';
import { RetentionRules } from './retention/retentionRules';
import { retentionSettings, type RetentionOptions } from './retention/retentionSettings';
import { doneInstrument } from './ops/doneInstrument';
import { openOperations, type OperationsOptions, type RuntimeOperations } from './ops/runtimeOperations';

export interface EventTrackingOptions extends DatabaseOptions {
  /** Time zone of the "YYYY-MM-DD HH:MM:SS" dates the API returns (default UTC). */
  timeZone?: string;
  /** Where failures are reported (default: the console). Pino's logger fits. */
  logger?: Logger;
  /** How a user id becomes that user's e-mail (WordPress: the user's user_email), for `user_id` lookups. */
  resolveUserEmail?: UserEmailResolver;
  /** A registry to share with other code; by default the runtime creates its own. */
  hooks?: HookRegistry;
  /** How long an idempotency key is remembered per contact, in hours (default 24, at least 24). */
  idempotencyRetentionHours?: number;
  /**
   * Done-action delivery: claim lease and how often to look for undelivered rows. `deliver: false`
   * is for tool processes (an importer): their done actions are recorded, not dispatched, and they
   * never take other processes' undelivered ones; a serving process delivers them.
   */
  outbox?: {
    leaseMs?: number;
    pollIntervalMs?: number;
    deliver?: boolean;
    /**
     * Look for other processes' undelivered done actions only once this resolves (never if it
     * rejects): the server passes its plugins' loading, so their listeners receive those too.
     */
    startAfter?: PromiseLike<unknown>;
  };
  /**
   * Write statements in flight at once (default 2). Tracking calls that arrive while all are busy
   * are written together in the next statement; fewer, larger statements measured best here
   * (BENCHMARKS.md: 1, 2, 3, 5 and 8 compared).
   */
  writeConcurrency?: number;
  /**
   * Send the hot statements (event writes, contact lookups, event pages, outbox) as named prepared
   * statements, planned once per connection. Default true; always off on the embedded database.
   * Turn off behind a transaction-pooling PgBouncer older than 1.21 (env FCRM_PREPARED_STATEMENTS=off for the server).
   */
  preparedStatements?: boolean;
  /**
   * The share of the pool that scanning reads (contact listings, event and occurrence pages, option
   * lists) may hold: at most `maxConcurrent` at once (default 2; a listing uses two connections), at
   * most `maxQueued` waiting (default 32) for at most `maxWaitMs` (default 10 s); beyond that a read
   * rejects with ServerBusyError. Keeps connections free for writes however many reads arrive.
   */
  reads?: ReadBudgetOptions;
  /**
   * Event definitions (JSON Schemas per key): how long this process may use its cached definitions
   * before reading the database's version counter again, in ms (default 1,000; see docs/event-definitions.md).
   */
  eventDefinitions?: { refreshMs?: number };
  /** What the background pruner removes and how gently (src/retention/retentionSettings.ts); default: the history is kept. */
  retention?: RetentionOptions;
  /**
   * OpenTelemetry (docs/operations.md): `false` off; `{ tracerProvider }` spans to that provider; unset:
   * on only when OTEL_EXPORTER_OTLP_ENDPOINT is set (OTLP/HTTP). Off costs nothing.
   */
  tracing?: OperationsOptions['tracing'];
  /** The bounds of /readyz's database check (default: 1 s timeout, one answer reused for 250 ms). */
  readiness?: OperationsOptions['readiness'];
  /**
   * Publish every done action to NATS JetStream as well (docs/relay.md). Runs beside in-process
   * delivery, in every process that has it; several processes share the work.
   */
  relay?: RelayOptions;
  /** Webhooks (docs/webhooks.md): limits, sending and the retry schedule. */
  webhooks?: WebhookOptions;
  /** Test-only fault switches. */
  testing?: {
    afterCommit?: () => void;
    /** Runs inside each listing statement's transaction, before the statement (to hold it in the database). */
    listingQuery?: (run: (sql: string) => Promise<unknown>) => Promise<void>;
  };
}

export interface EventTrackingRuntime {
  /** WordPress-style hooks: `hooks.doAction('fluent_crm/track_event_activity', data, true)`. */
  hooks: HookRegistry;
  /** FluentCRM's PHP API: `api('event_tracker').track(data, true)`, `api('contacts')`. */
  api: ApiAccessor;
  /** Automations started by tracked events (FluentCRM Pro's "Tracking Event Recorded"). */
  automations: Automations;
  /** Runs `fn` (and everything it starts) as this logged-in user: the current contact and `created_by`. */
  runAs<T>(user: ActingUser, fn: () => T): T;
  /** Resolves when all tracking started so far, and the listeners it fires, has finished. */
  drain(): Promise<void>;
  /** Drains, then closes the pool and the embedded database; leaves nothing running. */
  close(): Promise<void>;
  /** Which database is in use. */
  database: { kind: 'postgres' | 'embedded'; url: string; schema: string; dataDir?: string };
  /** The TypeORM DataSource, for hosts that want to query the tables themselves. */
  dataSource: DataSource;
  /** The read budget the API's listings run within; hosts run their own scanning reads in it too (`reads.run(fn)`). */
  reads: ReadBudget;
  /** Retention: a pruning pass now (`prune()`), and the per-event-key overrides (`rules`). */
  retention: { prune(): Promise<PruneReport>; rules: RetentionRules; defaultDays: number | null };
  /** Privacy requests: erase a contact (and suppress its e-mail), export its data, lift a suppression. */
  privacy: Privacy;
  /** Readiness, metrics (`operations.metrics.registry`, prom-client) and tracing: docs/operations.md. */
  operations: RuntimeOperations;
  /** With the `relay` option: resolves once connected to JetStream with the stream in place. */
  relayReady?: Promise<void>;
  /** Webhooks that receive done actions, signed per Standard Webhooks (docs/webhooks.md). */
  webhooks: WebhooksApi;
}

/** The composition root: opens (and migrates) the database and wires hooks, tracker and API. */
export async function createEventTracking(options: EventTrackingOptions = {}): Promise<EventTrackingRuntime> {
  const timeZone = options.timeZone ?? 'UTC';
  formatDateTime(new Date(), timeZone); // an unknown zone fails here, not at the first event
  const logger = options.logger ?? consoleLogger;
  const hooks = options.hooks ?? createHookRegistry();

  const delivery = deliverySettings(options);
  const retention = retentionSettings(options.retention, delivery.retentionMs, delivery.deliver);
  const relayConfig = options.relay ? relaySettings(options.relay) : undefined;
  const writeConcurrency = options.writeConcurrency ?? 2;
  if (!Number.isSafeInteger(writeConcurrency) || writeConcurrency < 1) throw new TypeError('writeConcurrency must be a positive integer');
  const definitionsRefreshMs = refreshMsOf(options.eventDefinitions?.refreshMs);
  const database = await openDatabase({ ...options, logger });
  const tables = tableNames(database.schema);
  const sql = sqlRunner(database.dataSource, database.kind === 'postgres' && options.preparedStatements !== false);
  const contacts = new ContactStore(sql, tables);
  const events = new EventStore(sql, tables);
  const actingUser = new ActingUserContext();
  const inFlight = new InFlight();
  let operations: RuntimeOperations;
  try {
    operations = await openOperations(database, tables, options);
  } catch (error) {
    await database.close();
    throw error;
  }
  const { metrics, tracing } = operations;
  const afterCommit = new AfterCommitHooks(hooks, logger, doneInstrument(metrics, tracing));
  const outboxStore = new OutboxStore(sql, tables);
  const definitions = new EventDefinitions(new DefinitionStore(database.dataSource, definitionTables(database.schema)), {
    refreshMs: definitionsRefreshMs,
    logger,
    indexes: new PropertyIndexes(database.dataSource, database.schema, database.kind === 'postgres'),
  });
  // Declared types decide how property filters compare ("100" declared number compares numerically).
  // Filters compile synchronously, so they read the loaded snapshot; a stale one starts a refresh
  // (one version read per refreshMs) and is used meanwhile. Loaded once before the runtime is returned.
  const propertyType: PropertyTypeResolver = (eventKey, path) => {
    const current = definitions.current();
    if (current instanceof Promise) {
      current.catch(() => {}); // an unreachable database is reported by the query itself
      return definitions.latest().propertyType(eventKey, path);
    }
    return current.propertyType(eventKey, path);
  };
  // Indexed properties: an `any`-scope filter on one reads the occurrences' own key (its index's predicate).
  const propertyIndexed: PropertyIndexedResolver = (eventKey, path) => definitions.latest().propertyIndexed(eventKey, path);
  try {
    await definitions.current();
  } catch (error) {
    await tracing.close();
    await database.close();
    throw error;
  }
  const tracker = new Tracker({
    writer: tracing.wrapWriter(
      new CoalescingWriter(new EventWriter(sql, tables, delivery.deliver ? delivery.leaseMs : null), {
        maxConcurrent: writeConcurrency,
        maxItems: MAX_BATCH,
      }),
    ),
    tracing,
    contacts: new ContactResolver(contacts, options.resolveUserEmail),
    actingUser,
    afterCommit,
    deliveredMarks: new DeliveredMarks(outboxStore, inFlight, logger),
    dispatchDone: delivery.deliver,
    timeZone,
    afterCommitFault: options.testing?.afterCommit,
    definitions,
  });
  const poller = new OutboxPoller({
    store: outboxStore,
    afterCommit,
    inFlight,
    logger,
    timeZone,
    leaseMs: delivery.leaseMs,
    intervalMs: delivery.pollIntervalMs,
  });
  const retentionRules = new RetentionRules(sql, tables);
  const pruner = new RetentionPruner({
    db: sql,
    tables,
    settings: retention,
    logger,
    keepUnrelayed: relayConfig !== undefined,
  });
  const relay = relayConfig ? new NatsRelay(new RelayStore(sql, tables), relayConfig, logger, timeZone) : undefined;
  let webhooks: ReturnType<typeof createWebhooks>;
  try {
    webhooks = createWebhooks({ db: sql, schema: database.schema, hooks, logger, timeZone, deliver: delivery.deliver, options: options.webhooks });
    await webhooks.start();
  } catch (error) {
    await tracing.close();
    await database.close(); // a bad webhooks option or a failed first look: leave nothing open
    throw error;
  }
  relay?.start();
  const unregister = registerTrackEventListener({ hooks, tracker, inFlight, logger, observer: metrics });
  const reads = new ReadBudget(options.reads);
  const api = createApiAccessor({
    event_tracker: reads.limit(createEventTrackerApi({ tracker, events, contacts, inFlight, timeZone, observer: metrics }), ['getEvents', 'getOccurrences']),
    contacts: reads.limit(
      createContactsApi({ contacts, timeZone, dataSource: database.dataSource, tables, listingQuery: options.testing?.listingQuery, propertyType, propertyIndexed }),
      ['query'],
    ),
    event_definitions: createEventDefinitionsApi({ definitions, timeZone }),
  });
  const automations = createAutomations({
    hooks,
    runs: new AutomationRunStore(database.dataSource, database.schema),
    tracker: { api },
    inFlight,
    logger,
    onRun: (status) => metrics.automationRun(status),
    checkConditions: (subscriberId, groups, now) => checkContactMatches(database.dataSource, tables, subscriberId, groups, now, propertyType, propertyIndexed),
    propertyType,
    parseConditions: parseFilterGroups,
  });

  let closing: Promise<void> | undefined;
  const startAfter = options.outbox?.startAfter;
  if (delivery.deliver && startAfter) {
    startAfter.then(
      () => {
        if (!closing) poller.start();
      },
      () => {}, // the host's start-up failed; it closes the runtime
    );
  } else if (delivery.deliver) {
    poller.start();
  }
  pruner.start();

  return {
    hooks,
    api,
    automations: automations.automations,
    runAs: (user, fn) => actingUser.runAs(user, fn),
    drain: () => inFlight.drain(),
    close() {
      closing ??= (async () => {
        operations.readiness.beginShutdown();
        unregister();
        automations.close();
        await poller.stop();
        await pruner.stop();
        await relay?.stop();
        await inFlight.drain();
        await webhooks.close();
        await database.close();
        await tracing.close();
      })();
      return closing;
    },
    database: { kind: database.kind, url: database.url, schema: database.schema, dataDir: database.dataDir },
    dataSource: database.dataSource,
    reads,
    retention: { prune: () => pruner.prune(), rules: retentionRules, defaultDays: retention.historyDays },
    privacy: createPrivacy({ contacts, sql, tables }),
    operations,
    relayReady: relay?.ready,
    webhooks: webhooks.api,
  };
}

const HOUR_MS = 3_600_000;

/** Checked at start-up: a bad setting fails here, not at the first event. */
function deliverySettings(options: EventTrackingOptions): { leaseMs: number; pollIntervalMs: number; retentionMs: number; deliver: boolean } {
  const hours = options.idempotencyRetentionHours ?? 24;
  if (!Number.isFinite(hours) || hours < 24) throw new TypeError('idempotencyRetentionHours must be a number of hours, at least 24');
  const leaseMs = options.outbox?.leaseMs ?? 60_000;
  const pollIntervalMs = options.outbox?.pollIntervalMs ?? 5_000;
  if (!Number.isSafeInteger(leaseMs) || leaseMs < 100) throw new TypeError('outbox.leaseMs must be a whole number of milliseconds, at least 100');
  if (!Number.isSafeInteger(pollIntervalMs) || pollIntervalMs < 50) {
    throw new TypeError('outbox.pollIntervalMs must be a whole number of milliseconds, at least 50');
  }
  return { leaseMs, pollIntervalMs, retentionMs: hours * HOUR_MS, deliver: options.outbox?.deliver ?? true };
}
