import { FcrmError } from '../errors';
import type { Logger } from '../runtime/logger';
import { describeError } from '../runtime/logger';
import { cutToCharacters, LIMITS } from '../tracking/limits';
import { sanitizeTextField } from '../tracking/sanitize';
import { MAX_INDEXED_TOTAL, type PropertyIndexes } from '../properties/propertyIndexes';
import { parsePropertyPath } from '../properties/propertyPath';
import { compileSchema, type CompiledSchema } from './compileSchema';
import { checkIndexedProperties, indexableType } from './indexedProperties';
import { MAX_DEFINITIONS, type DefinitionRow, type DefinitionStore, type RecordedViolation, type ViolationRow } from './definitionStore';
import { DEFINITION_MODES, DefinitionsSnapshot, type DefinitionMode, type LoadedDefinition } from './definitionsSnapshot';

/** Default for how long a process trusts its definitions before it reads the version counter again. */
export const DEFAULT_REFRESH_MS = 1_000;

export interface EventDefinitionsOptions {
  /**
   * How stale a process's definitions may be, in milliseconds (default 1,000): a change made by
   * another process sharing the database applies to events tracked here at most this long after it
   * committed. Changes made through this process apply at once. 0 checks before every batch.
   */
  refreshMs?: number;
  logger: Logger;
  /** Builds and drops the indexes of indexed properties after each change (none: they are only stored). */
  indexes?: PropertyIndexes;
}

/**
 * The definitions of this runtime: changes (checked and compiled before they are stored) and the
 * cached snapshot the tracker checks each batch against. The cache is refreshed by reading the
 * one-row version counter at most once per `refreshMs` (shared by every batch waiting meanwhile),
 * and reloaded only when the counter moved; schemas whose text did not change are not recompiled.
 * So tracking never pays a database round trip per event for its definitions.
 */
export class EventDefinitions {
  private snapshot = DefinitionsSnapshot.empty;
  private loaded = false;
  private checkedAt = Number.NEGATIVE_INFINITY;
  /** Bumped by a local change: a refresh that started before it must not mark the cache fresh. */
  private generation = 0;
  private flight?: { generation: number; promise: Promise<DefinitionsSnapshot> };
  private compiledByText = new Map<string, CompiledSchema>();
  private readonly refreshMs: number;
  private readonly logger: Logger;
  private readonly indexes?: PropertyIndexes;

  constructor(
    private readonly store: DefinitionStore,
    options: EventDefinitionsOptions,
  ) {
    this.refreshMs = refreshMsOf(options.refreshMs);
    this.logger = options.logger;
    this.indexes = options.indexes;
  }

  /** The snapshot to check a batch against: at once when fresh, else after one version read. */
  current(): DefinitionsSnapshot | Promise<DefinitionsSnapshot> {
    if (this.loaded && performance.now() - this.checkedAt < this.refreshMs) return this.snapshot;
    return this.refresh();
  }

  /** The last loaded snapshot, without waiting (possibly up to `refreshMs` stale; empty before the first load). */
  latest(): DefinitionsSnapshot {
    return this.snapshot;
  }

  /** Reads the version counter now and reloads when it moved. */
  refresh(): Promise<DefinitionsSnapshot> {
    if (this.flight && this.flight.generation === this.generation) return this.flight.promise;
    const generation = this.generation;
    const started = performance.now();
    const promise = this.reload().then((snapshot) => {
      if (generation === this.generation) {
        this.checkedAt = started;
        this.loaded = true;
      }
      return snapshot;
    });
    const flight = { generation, promise };
    this.flight = flight;
    const clear = () => {
      if (this.flight === flight) this.flight = undefined;
    };
    promise.then(clear, clear);
    return promise;
  }

  private async reload(): Promise<DefinitionsSnapshot> {
    const version = this.loaded ? await this.store.version() : -1n;
    if (version === this.snapshot.version) return this.snapshot;
    const { version: loadedVersion, rows } = await this.store.loadAll();
    // Two reloads can overlap (a local change started one): never go back to an older version.
    if (loadedVersion < this.snapshot.version) return this.snapshot;
    const compiled = new Map<string, CompiledSchema>();
    const definitions: LoadedDefinition[] = [];
    for (const row of rows) {
      try {
        const schema = this.compiledByText.get(row.schema_json) ?? compiled.get(row.schema_json) ?? compileSchema(JSON.parse(row.schema_json));
        compiled.set(row.schema_json, schema);
        const indexed = (row.indexed_properties ?? []).map(parsePropertyPath).filter((path): path is string[] => path !== null);
        definitions.push({ eventKey: row.event_key, mode: row.mode, compiled: schema, indexed });
      } catch (error) {
        // A stored schema this build cannot compile (edited by hand, another Ajv): tracking goes on without it.
        this.logger.error({ event_key: row.event_key, ...describeError(error) }, 'An event definition could not be compiled; it is not applied');
      }
    }
    this.compiledByText = compiled;
    this.snapshot = DefinitionsSnapshot.of(loadedVersion, definitions);
    return this.snapshot;
  }

  /**
   * Checked and compiled before it is stored: an invalid schema, mode or indexed_properties is a
   * FcrmError `invalid_definition`. Returns once the indexes of its indexed properties exist.
   */
  async put(rawKey: unknown, input: { schema?: unknown; mode?: unknown; indexed_properties?: unknown }): Promise<{ row: DefinitionRow; created: boolean }> {
    const eventKey = definitionKey(rawKey);
    const mode = definitionMode(input.mode);
    const compiled = compileSchema(input.schema);
    const indexed = checkIndexedProperties(input.indexed_properties, compiled.schema);
    const schemaJson = JSON.stringify(compiled.schema);
    const stored = await this.store.put(eventKey, mode, schemaJson, indexed, MAX_INDEXED_TOTAL);
    if (stored === 'too_many_definitions') {
      throw new FcrmError('invalid_definition', `Invalid event definition: at most ${MAX_DEFINITIONS} event keys can have a definition; delete one first.`);
    }
    if (stored === 'too_many_indexed') {
      throw new FcrmError('invalid_definition', `Invalid event definition: at most ${MAX_INDEXED_TOTAL} properties can be indexed over all event keys; remove some from another definition first.`);
    }
    this.compiledByText.set(schemaJson, compiled);
    await this.changed();
    await this.reconcileIndexes();
    return stored;
  }

  async get(rawKey: unknown): Promise<{ row: DefinitionRow; recent: ViolationRow[] }> {
    const eventKey = definitionKey(rawKey);
    const found = await this.store.get(eventKey);
    if (!found) throw notFound(eventKey);
    return found;
  }

  async delete(rawKey: unknown): Promise<void> {
    const eventKey = definitionKey(rawKey);
    if (!(await this.store.delete(eventKey))) throw notFound(eventKey);
    await this.changed();
    await this.reconcileIndexes();
  }

  /** The indexes made to match the stored definitions (read afresh, under the indexes' lock: another change may have come first). */
  private async reconcileIndexes(): Promise<void> {
    if (!this.indexes) return;
    await this.indexes.reconcile(async () => {
      const { rows } = await this.store.loadAll();
      return rows.flatMap((row) => {
        const schema = JSON.parse(row.schema_json) as Record<string, unknown>;
        return (row.indexed_properties ?? []).flatMap((text) => {
          const path = parsePropertyPath(text);
          const type = path && indexableType(schema, path);
          return path && type ? [{ eventKey: row.event_key, path, type }] : [];
        });
      });
    });
  }

  page(limit: number, offset: number): Promise<{ rows: DefinitionRow[]; total: number }> {
    return this.store.page(limit, offset);
  }

  /** Records report-mode violations of stored events; a failure is logged, never the caller's (the events are stored). */
  async record(violations: readonly RecordedViolation[]): Promise<void> {
    if (violations.length === 0) return;
    try {
      await this.store.recordViolations(violations);
    } catch (error) {
      this.logger.error({ violations: violations.length, ...describeError(error) }, 'Recording event definition violations failed');
    }
  }

  /**
   * A local change applies to the very next batch: reload now. The change is committed either way; a
   * reload that fails is logged and simply retried by the next batch (the cache is marked stale).
   */
  private async changed(): Promise<void> {
    this.generation += 1;
    this.checkedAt = Number.NEGATIVE_INFINITY;
    try {
      await this.refresh();
    } catch (error) {
      this.logger.warn(describeError(error), 'Reloading the event definitions after a change failed; the next batch reloads them');
    }
  }
}

/** The refresh interval, checked (the composition root checks it before opening the database). */
export function refreshMsOf(refreshMs: number | undefined): number {
  const ms = refreshMs ?? DEFAULT_REFRESH_MS;
  if (!Number.isSafeInteger(ms) || ms < 0) throw new TypeError('eventDefinitions.refreshMs must be a whole number of milliseconds, at least 0');
  return ms;
}

/** An event key as the tracker stores it (sanitised, cut to 192 characters); compared case-insensitively. */
export function definitionKey(raw: unknown): string {
  const text = typeof raw === 'string' ? raw : typeof raw === 'number' && Number.isFinite(raw) ? String(raw) : '';
  const key = cutToCharacters(sanitizeTextField(text), LIMITS.eventKey);
  if (key === '') throw new FcrmError('invalid_definition', 'Invalid event definition: event_key is required (a non-empty text).');
  return key;
}

function definitionMode(raw: unknown): DefinitionMode {
  if (typeof raw === 'string' && (DEFINITION_MODES as readonly string[]).includes(raw)) return raw as DefinitionMode;
  throw new FcrmError('invalid_definition', `Invalid event definition: mode must be ${DEFINITION_MODES.map((m) => JSON.stringify(m)).join(' or ')}.`);
}

function notFound(eventKey: string): FcrmError {
  return new FcrmError('not_found', `No event definition for event_key ${JSON.stringify(eventKey)}`);
}
