import type { CompiledSchema } from './compileSchema';
import type { PropertyError } from './invalidPropertiesError';
import { declaredPropertyType, type DeclaredPropertyType } from './propertyType';
import { valueForSchema, type ValueKind } from './valueForSchema';

export type DefinitionMode = 'enforce' | 'report';

export const DEFINITION_MODES: readonly DefinitionMode[] = ['enforce', 'report'];

/** A definition as the tracker uses it: its key as stored, its mode and its compiled schema. */
export interface LoadedDefinition {
  eventKey: string;
  mode: DefinitionMode;
  compiled: CompiledSchema;
  /** Indexed properties, as path segments. */
  indexed: ReadonlyArray<readonly string[]>;
}

/** A value that failed its key's definition: rejected (`enforce`) or stored and recorded (`report`). */
export interface Violation {
  /** The definition's event_key (its stored spelling). */
  eventKey: string;
  mode: DefinitionMode;
  errors: PropertyError[];
}

/**
 * The definitions of one moment, immutable: what a batch of tracked events is checked against and
 * what filters ask for declared types. Keys compare case-insensitively, as the tracker's dedupe does.
 */
export class DefinitionsSnapshot {
  static readonly empty = new DefinitionsSnapshot(0n, new Map());

  private constructor(
    /** The database's definitions version this snapshot was loaded at. */
    readonly version: bigint,
    private readonly byKey: ReadonlyMap<string, LoadedDefinition>,
  ) {}

  static of(version: bigint, definitions: Iterable<LoadedDefinition>): DefinitionsSnapshot {
    const byKey = new Map<string, LoadedDefinition>();
    for (const definition of definitions) byKey.set(definition.eventKey.toLowerCase(), definition);
    return new DefinitionsSnapshot(version, byKey);
  }

  get size(): number {
    return this.byKey.size;
  }

  definition(eventKey: string): LoadedDefinition | undefined {
    return this.byKey.size === 0 ? undefined : this.byKey.get(eventKey.toLowerCase());
  }

  /**
   * Null when the key has no definition or the value matches it. `kind` is the JSON type the caller
   * sent; `storedText` the value as it is stored (sanitised).
   */
  check(eventKey: string, kind: ValueKind, storedText: string): Violation | null {
    const definition = this.definition(eventKey);
    if (!definition) return null;
    const errors = definition.compiled.validate(valueForSchema(kind, storedText));
    return errors ? { eventKey: definition.eventKey, mode: definition.mode, errors } : null;
  }

  /** Whether the key's definition indexes this property (then its indexes serve filters on it). */
  propertyIndexed(eventKey: string, path: readonly string[]): boolean {
    const definition = this.definition(eventKey);
    if (!definition || definition.indexed.length === 0) return false;
    const id = JSON.stringify(path);
    return definition.indexed.some((indexed) => JSON.stringify(indexed) === id);
  }

  /** Every indexed property of every definition. */
  indexedProperties(): Array<{ eventKey: string; path: readonly string[] }> {
    return [...this.byKey.values()].flatMap((d) => d.indexed.map((path) => ({ eventKey: d.eventKey, path })));
  }

  /**
   * The type the key's definition declares for a property (path segments as the filter parses
   * them), or undefined: no definition, or the schema does not declare a comparable type there.
   */
  propertyType(eventKey: string, path: readonly string[]): DeclaredPropertyType | undefined {
    const definition = this.definition(eventKey);
    return definition ? declaredPropertyType(definition.compiled.schema, path) : undefined;
  }
}
