import type { DefinitionRow, ViolationRow } from '../definitions/definitionStore';
import type { DefinitionMode, DefinitionsSnapshot } from '../definitions/definitionsSnapshot';
import type { EventDefinitions } from '../definitions/eventDefinitions';
import type { DeclaredPropertyType } from '../definitions/propertyType';
import type { PropertyError } from '../definitions/invalidPropertiesError';
import { formatDateTime } from '../format/dateTime';
import { parsePageParams } from '../pagination/pageParams';
import { buildPaginator, type Paginator } from '../pagination/paginator';
import type { GetEventsOptions } from './eventTrackerApi';

/** An event definition as the API and REST answer it. */
export interface EventDefinitionRecord {
  event_key: string;
  mode: DefinitionMode;
  /** The JSON Schema (draft-07) the key's values are checked against, as it was given. */
  schema: Record<string, unknown>;
  /** Number and string properties (dot paths) with their own indexes: filters on them read an index (docs/event-properties.md). */
  indexed_properties: string[];
  /** Values stored in `report` mode that did not match, since the definition was created. */
  violations: number;
  last_violation_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface ViolationRecord {
  id: number;
  event_id: number | null;
  subscriber_id: number | null;
  errors: PropertyError[];
  created_at: string;
}

export interface EventDefinitionDetail extends EventDefinitionRecord {
  /** The newest violations (at most 50), newest first. */
  recent_violations: ViolationRecord[];
}

export interface PutEventDefinition {
  /** A JSON Schema (draft-07) object for the event's `value`; at most 32 KiB as JSON. */
  schema: unknown;
  /** `enforce`: a value that does not match is rejected (422 invalid_properties); `report`: stored, and the violation recorded. */
  mode: DefinitionMode;
  /**
   * Optional: at most 5 properties (dot paths the schema declares `number`, `integer` or `string`) to
   * index, at most 20 over all keys; put() returns once their indexes are built.
   */
  indexed_properties?: string[];
}

export const DEFAULT_DEFINITIONS_PATH = '/wp-json/fluent-crm/v2/event-definitions';

/** `api('event_definitions')`: JSON Schemas for event values, checked on every entrance (issue 16). */
export interface EventDefinitionsApi {
  /** Creates or replaces the key's definition; rejects FcrmError `invalid_definition` for an invalid schema or mode. */
  put(eventKey: string, definition: PutEventDefinition): Promise<{ definition: EventDefinitionRecord; created: boolean }>;
  /** Rejects FcrmError `not_found` when the key has none. */
  get(eventKey: string): Promise<EventDefinitionDetail>;
  /** Rejects FcrmError `not_found` when the key has none. */
  delete(eventKey: string): Promise<void>;
  /** Every definition, in key order, in the paginator shape. */
  list(options?: GetEventsOptions): Promise<Paginator<EventDefinitionRecord>>;
  /** Reads the database's definitions now (another process's changes otherwise apply within the refresh interval). */
  refresh(): Promise<void>;
  /** The definitions this process checks events against (up to the refresh interval stale), for filters. */
  snapshot(): DefinitionsSnapshot;
  /** The type a key's definition declares for a property path (segments), or undefined. */
  propertyType(eventKey: string, path: readonly string[]): DeclaredPropertyType | undefined;
}

export function createEventDefinitionsApi(deps: { definitions: EventDefinitions; timeZone: string }): EventDefinitionsApi {
  const { definitions, timeZone } = deps;
  const record = (row: DefinitionRow): EventDefinitionRecord => ({
    event_key: row.event_key,
    mode: row.mode,
    schema: JSON.parse(row.schema_json) as Record<string, unknown>,
    indexed_properties: row.indexed_properties ?? [],
    violations: Number(row.violations),
    last_violation_at: row.last_violation_at ? formatDateTime(row.last_violation_at, timeZone) : null,
    created_at: formatDateTime(row.created_at, timeZone),
    updated_at: formatDateTime(row.updated_at, timeZone),
  });
  const violation = (row: ViolationRow): ViolationRecord => ({
    id: Number(row.id),
    event_id: row.event_id === null ? null : Number(row.event_id),
    subscriber_id: row.subscriber_id === null ? null : Number(row.subscriber_id),
    errors: row.errors,
    created_at: formatDateTime(row.created_at, timeZone),
  });
  return {
    async put(eventKey, definition) {
      const { row, created } = await definitions.put(eventKey, definition ?? {});
      return { definition: record(row), created };
    },
    async get(eventKey) {
      const { row, recent } = await definitions.get(eventKey);
      return { ...record(row), recent_violations: recent.map(violation) };
    },
    delete: (eventKey) => definitions.delete(eventKey),
    async list(options = {}) {
      const { page, perPage } = parsePageParams(options);
      const { rows, total } = await definitions.page(perPage, (page - 1) * perPage);
      return buildPaginator({ data: rows.map(record), total, page, perPage, path: options.path ?? DEFAULT_DEFINITIONS_PATH });
    },
    async refresh() {
      await definitions.refresh();
    },
    snapshot: () => definitions.latest(),
    propertyType: (eventKey, path) => definitions.latest().propertyType(eventKey, path),
  };
}
