import { FcrmError } from '../errors';
import { parsePropertyPath } from '../properties/propertyPath';
import { MAX_INDEXED_PER_KEY } from '../properties/propertyIndexes';
import { declaredPropertyType } from './propertyType';

/**
 * A definition's `indexed_properties`, checked against its schema: a list of at most
 * MAX_INDEXED_PER_KEY distinct property paths (the filter's dot paths), each one the schema declares
 * a number (`number` or `integer`): the index holds the property as a number, so only numeric
 * comparisons can use it. Missing: none. Returns the paths as given and as segments.
 */
export function checkIndexedProperties(raw: unknown, schema: Record<string, unknown>): Array<{ text: string; path: string[] }> {
  if (raw === undefined || raw === null) return [];
  const fail = (reason: string) => new FcrmError('invalid_definition', `Invalid event definition: indexed_properties ${reason}.`);
  if (!Array.isArray(raw)) throw fail('must be a list of property paths');
  if (raw.length > MAX_INDEXED_PER_KEY) throw fail(`lists at most ${MAX_INDEXED_PER_KEY} properties per event key`);
  const seen = new Set<string>();
  return raw.map((text: unknown) => {
    const path = typeof text === 'string' ? parsePropertyPath(text) : null;
    if (typeof text !== 'string' || !path) throw fail(`must hold property paths such as "order.total", got ${JSON.stringify(text)}`);
    const type = declaredPropertyType(schema, path);
    if (type !== 'number') {
      throw fail(`can only index number properties: the schema declares ${JSON.stringify(text)} ${type ? `a ${type}` : 'no number type'} (give it "type": "number" or "integer")`);
    }
    const id = JSON.stringify(path);
    if (seen.has(id)) throw fail(`lists ${JSON.stringify(text)} twice`);
    seen.add(id);
    return { text, path };
  });
}
