import { FcrmError } from '../errors';

/** One way a value fails its event definition: where (a property path, '' for the value itself) and why. */
export interface PropertyError {
  path: string;
  message: string;
}

/**
 * A value that does not match its key's definition in `enforce` mode: nothing is stored. Like every
 * tracking error it carries `code` and `message` (the first problem, for logs and the importer's
 * summary); `errors` lists each problem. REST answers 422 `{ message, error_code, errors }`.
 */
export class InvalidPropertiesError extends FcrmError {
  readonly errors: PropertyError[];

  constructor(eventKey: string, errors: PropertyError[]) {
    super('invalid_properties', summary(eventKey, errors));
    this.name = 'InvalidPropertiesError';
    this.errors = errors;
  }

  override toJSON(): { code: 'invalid_properties'; message: string; errors: PropertyError[] } {
    return { code: 'invalid_properties', message: this.message, errors: this.errors };
  }
}

function summary(eventKey: string, errors: PropertyError[]): string {
  const [first] = errors;
  const where = first === undefined ? '' : first.path === '' ? `: value ${first.message}` : `: ${first.path} ${first.message}`;
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
  return `The value does not match the event definition of ${JSON.stringify(eventKey)}${where}${more}.`;
}

/** The `errors` of a failed call, when it has them (a definition's violations). */
export function propertyErrorsOf(error: unknown): PropertyError[] | undefined {
  return error instanceof InvalidPropertiesError ? error.errors : undefined;
}
