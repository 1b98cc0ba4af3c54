import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

/** A child process printing JSON lines; tests await the lines they expect instead of sleeping. */
export interface LineProcess {
  child: ChildProcess;
  lines: Array<Record<string, unknown>>;
  /** Resolves once `predicate` holds for the lines so far; rejects if the child exits first. */
  until(predicate: (lines: Array<Record<string, unknown>>) => boolean): Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function spawnLines(command: string, args: string[], options: SpawnOptions = {}): LineProcess {
  const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: Array<Record<string, unknown>> = [];
  let stderr = '';
  const waiters = new Set<() => void>();
  let buffered = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const parts = buffered.split('\n');
    buffered = parts.pop()!;
    for (const part of parts) {
      if (part.trim() === '') continue;
      try {
        lines.push(JSON.parse(part));
      } catch {
        lines.push({ text: part });
      }
    }
    for (const waiter of [...waiters]) waiter();
  });
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return {
    child,
    lines,
    exited,
    until(predicate) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (predicate(lines)) {
            waiters.delete(check);
            resolve();
          }
        };
        waiters.add(check);
        void exited.then(({ code, signal }) => {
          if (waiters.delete(check)) reject(new Error(`child exited (${code ?? signal}) before the expected output:\n${JSON.stringify(lines)}\n${stderr}`));
        });
        check();
      });
    },
  };
}
