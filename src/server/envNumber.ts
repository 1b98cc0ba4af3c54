/**
 * A whole number of at least `min` from the environment, `fallback` when unset or empty. A bad value
 * throws `onError(message)`'s error (ConfigError), naming the variable, the bound and what was given.
 */
export function wholeNumber(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, onError: (message: string) => Error): number {
  const text = env[name]?.trim();
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < min) {
    throw onError(`${name} must be a whole number of at least ${min}; got ${JSON.stringify(env[name])}`);
  }
  return value;
}
