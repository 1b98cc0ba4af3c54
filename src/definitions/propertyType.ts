/** How a property filter compares a property whose definition declares its type. */
export type DeclaredPropertyType = 'number' | 'string' | 'boolean' | 'date';

type Schema = Record<string, unknown>;

/** `$ref`s followed on one path at most (a cycle of refs ends here). */
const MAX_REFS = 16;

/**
 * The type a JSON Schema declares for the property at `path` (segments, as the filter parses them):
 * `integer` and `number` → 'number'; `string` with `format` date or date-time → 'date'; `string`,
 * `boolean` as such. Follows `properties`, `patternProperties` is not guessed at; array elements
 * through `items` (one schema, or a tuple by index); local `$ref`s (`#/definitions/…`, `#/$defs/…`);
 * `allOf` (the first branch that declares one) and `anyOf`/`oneOf` (when every branch agrees). A type
 * list with `null` (`["number", "null"]`) counts as its other type. Anything else, an object, an
 * array or a path the schema does not describe: undefined (the filter then follows the value's type).
 */
export function declaredPropertyType(root: Schema, path: readonly string[]): DeclaredPropertyType | undefined {
  return typeAt(root, root, path, 0);
}

function typeAt(root: Schema, node: unknown, path: readonly string[], refs: number): DeclaredPropertyType | undefined {
  const schema = resolved(root, node, refs);
  if (!schema) return undefined;
  const { node: here, refs: used } = schema;
  const combined = combinedType(root, here, path, used);
  if (path.length === 0) return ownType(here) ?? combined;
  const [segment, ...rest] = path;
  const child = childSchema(here, segment);
  const direct = child === undefined ? undefined : typeAt(root, child, rest, used);
  return direct ?? combined;
}

/** `allOf`: the first branch that declares a type; `anyOf`/`oneOf`: the type all branches agree on. */
function combinedType(root: Schema, node: Schema, path: readonly string[], refs: number): DeclaredPropertyType | undefined {
  if (Array.isArray(node.allOf)) {
    for (const branch of node.allOf) {
      const type = typeAt(root, branch, path, refs);
      if (type) return type;
    }
  }
  for (const keyword of ['anyOf', 'oneOf'] as const) {
    const branches = node[keyword];
    if (!Array.isArray(branches) || branches.length === 0) continue;
    const types = new Set(branches.map((branch) => typeAt(root, branch, path, refs)));
    if (types.size === 1) {
      const [only] = types;
      if (only) return only;
    }
  }
  return undefined;
}

function childSchema(node: Schema, segment: string): unknown {
  const properties = node.properties;
  if (isSchema(properties) && Object.prototype.hasOwnProperty.call(properties, segment)) return properties[segment];
  if (!/^(0|[1-9]\d{0,8})$/.test(segment)) return undefined;
  const index = Number(segment);
  if (Array.isArray(node.prefixItems)) return node.prefixItems[index] ?? node.items;
  if (Array.isArray(node.items)) return node.items[index] ?? node.additionalItems;
  return node.items;
}

function ownType(node: Schema): DeclaredPropertyType | undefined {
  const declared = Array.isArray(node.type) ? node.type.filter((type) => type !== 'null') : [node.type];
  if (declared.length !== 1) return undefined;
  const [type] = declared;
  if (type === 'integer' || type === 'number') return 'number';
  if (type === 'boolean') return 'boolean';
  if (type === 'string' || (type === undefined && typeof node.format === 'string')) {
    return node.format === 'date' || node.format === 'date-time' ? 'date' : type === 'string' ? 'string' : undefined;
  }
  return undefined;
}

/** The schema a node stands for: itself, or what its local `$ref` points at. */
function resolved(root: Schema, node: unknown, refs: number): { node: Schema; refs: number } | undefined {
  let current = node;
  let used = refs;
  while (isSchema(current) && typeof current.$ref === 'string') {
    if (used >= MAX_REFS) return undefined;
    used += 1;
    current = pointerTarget(root, current.$ref);
  }
  return isSchema(current) ? { node: current, refs: used } : undefined;
}

function pointerTarget(root: Schema, ref: string): unknown {
  if (ref === '#') return root;
  if (!ref.startsWith('#/')) return undefined;
  let node: unknown = root;
  for (const raw of ref.slice(2).split('/')) {
    let key: string;
    try {
      key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    } catch {
      return undefined;
    }
    if (!isSchema(node) || !Object.prototype.hasOwnProperty.call(node, key)) return undefined;
    node = node[key];
  }
  return node;
}

function isSchema(node: unknown): node is Schema {
  return typeof node === 'object' && node !== null && !Array.isArray(node);
}
