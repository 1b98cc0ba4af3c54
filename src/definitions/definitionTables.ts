import { quoteIdent } from '../db/tableNames';

/** The schema-qualified, quoted names of the event definitions' tables. */
export interface DefinitionTables {
  definitions: string;
  violations: string;
  /** One row: a counter every change of a definition increments (the caches' cheap freshness check). */
  version: string;
}

export function definitionTables(schema: string): DefinitionTables {
  const s = quoteIdent(schema);
  return {
    definitions: `${s}."fc_event_definitions"`,
    violations: `${s}."fc_event_definition_violations"`,
    version: `${s}."fc_event_definitions_version"`,
  };
}
