import { FcrmError } from '../errors';
import { parsePropertyPath } from '../properties/propertyPath';
import { INDEXABLE_TYPES, MAX_INDEXED_PER_KEY, type IndexableType } from '../properties/propertyIndexes';
import { declaredPropertyType } from './propertyType';

/**
 * A definition's `indexed_properties`, checked against its schema: a list of at most
 * MAX_INDEXED_PER_KEY distinct property paths (the filter's dot paths), each one the schema declares
 * a number (`number` or `integer`) or a string: the index holds the property as that type. Missing:
 * none. Returns the paths as given.
 */
export function checkIndexedProperties(raw: unknown, schema: Record<string, unknown>): string[] {
  if (raw === undefined || raw === null) return [];
  const fail = (reason: string) => new FcrmError('invalid_definition', `Invalid event definition: indexed_properties ${reason}.`);
  if (!Array.isArray(raw)) throw fail('must be a list of property paths');
  if (raw.length > MAX_INDEXED_PER_KEY) throw fail(`lists at most ${MAX_INDEXED_PER_KEY} properties per event key`);
  const seen = new Set<string>();
  return raw.map((text: unknown) => {
    const path = typeof text === 'string' ? parsePropertyPath(text) : null;
    if (typeof text !== 'string' || !path) throw fail(`must hold property paths such as "order.total", got ${JSON.stringify(text)}`);
    const type = indexableType(schema, path);
    if (!type) {
      const declared = declaredPropertyType(schema, path);
      const found = declared ? `declares ${JSON.stringify(text)} a ${declared}` : `declares no type for ${JSON.stringify(text)}`;
      throw fail(`can only index number and string properties: the schema ${found} (give it "type": "number", "integer" or "string")`);
    }
    const id = JSON.stringify(path);
    if (seen.has(id)) throw fail(`lists ${JSON.stringify(text)} twice`);
    seen.add(id);
    return text;
  });
}

/** The type an index would hold the property as, by the schema's declaration; undefined when it cannot be indexed. */
export function indexableType(schema: Record<string, unknown>, path: readonly string[]): IndexableType | undefined {
  const declared = declaredPropertyType(schema, path);
  return (INDEXABLE_TYPES as readonly string[]).includes(declared ?? '') ? (declared as IndexableType) : undefined;
}
