import { parseArgs, type ParseArgsConfig } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;

/** What a command line asks for: the parsed values, or an exit code once help or a usage error was printed. */
export type CommandArgs<V> = { values: V } | { exit: number };

/**
 * The key:* commands' shared argument handling: strict parsing, `--help` prints the usage (exit 0),
 * a bad argument prints `command: reason` and the usage (exit 2).
 */
export function readCommandArgs<V extends { help?: boolean }>(command: string, usage: string, argv: string[], options: Options): CommandArgs<V> {
  let values: V;
  try {
    values = parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, strict: true }).values as V;
  } catch (error) {
    return { exit: usageError(command, usage, (error as Error).message) };
  }
  if (values.help) {
    process.stdout.write(usage);
    return { exit: 0 };
  }
  return { values };
}

/** Prints `command: message` and the usage to stderr; returns the exit code for bad arguments (2). */
export function usageError(command: string, usage: string, message: string): number {
  process.stderr.write(`${command}: ${message}\n\n${usage}`);
  return 2;
}
