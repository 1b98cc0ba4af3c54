import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A throw-away PostgreSQL cluster of the machine's own binaries, for tests that stop and restart the
 * server (never the shared one). Needs the Debian postgresql package; `available()` says whether it
 * is there. Run as root, the cluster runs as the `postgres` user, as initdb refuses root.
 */
export class DedicatedCluster {
  readonly url: string;
  private constructor(
    private readonly bin: string,
    private readonly dir: string,
    private readonly port: number,
  ) {
    this.url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  }

  static binaries(): string | null {
    const root = '/usr/lib/postgresql';
    if (!existsSync(root)) return null;
    const version = readdirSync(root).sort().pop();
    const bin = version ? join(root, version, 'bin') : '';
    return bin && existsSync(join(bin, 'pg_ctl')) ? bin : null;
  }

  static async start(): Promise<DedicatedCluster> {
    const bin = DedicatedCluster.binaries();
    if (!bin) throw new Error('no PostgreSQL binaries under /usr/lib/postgresql');
    const dir = mkdtempSync(join(tmpdir(), 'fcrm-cluster-'));
    chmodSync(dir, 0o777);
    const cluster = new DedicatedCluster(bin, join(dir, 'data'), await freePort());
    cluster.run('initdb', ['-D', cluster.dir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8']);
    cluster.pgCtl('start');
    return cluster;
  }

  /**
   * Stops (fast: open connections are cut) and starts again, as an operator's restart does. Runs
   * asynchronously so the test's own load keeps flowing while the server is down.
   */
  async restart(): Promise<void> {
    const [command, args] = this.command('pg_ctl', this.pgCtlArgs('restart', ['-m', 'fast']));
    // stdio ignored: the restarted server would inherit a pipe and keep it open after pg_ctl exits.
    const child = spawn(command, args, { cwd: '/tmp', stdio: 'ignore' });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    if (code !== 0) throw new Error(`pg_ctl restart exited with ${code}`);
  }

  destroy(): void {
    try {
      this.pgCtl('stop', ['-m', 'immediate']);
    } finally {
      rmSync(join(this.dir, '..'), { recursive: true, force: true });
    }
  }

  private pgCtl(action: string, extra: string[] = []): void {
    this.run('pg_ctl', this.pgCtlArgs(action, extra));
  }

  private pgCtlArgs(action: string, extra: string[]): string[] {
    return [action, '-D', this.dir, '-w', '-t', '30', '-o', `-p ${this.port} -k /tmp -c listen_addresses=127.0.0.1`, ...extra];
  }

  private run(tool: string, args: string[]): void {
    const [command, fullArgs] = this.command(tool, args);
    execFileSync(command, fullArgs, { stdio: 'ignore', cwd: '/tmp' });
  }

  /** As root, the cluster's tools run as `postgres` (initdb refuses root). */
  private command(tool: string, args: string[]): [string, string[]] {
    const path = join(this.bin, tool);
    return process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', path, ...args]] : [path, args];
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
