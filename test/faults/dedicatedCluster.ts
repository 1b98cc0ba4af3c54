import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findPostgresBinaries } from './postgresBinaries';

/**
 * A throw-away PostgreSQL cluster of the machine's own binaries, for tests that stop and restart the
 * server (never the shared one). Needs the PostgreSQL server tools (initdb, pg_ctl); `binaries()`
 * says where they are. Run as root, the cluster runs as the `postgres` user, as initdb refuses root.
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

  /** The machine's server tools (see findPostgresBinaries), or null. */
  static binaries(): string | null {
    return findPostgresBinaries();
  }

  static async start(): Promise<DedicatedCluster> {
    const bin = DedicatedCluster.binaries();
    if (!bin) {
      throw new Error(
        'No PostgreSQL server tools (initdb, pg_ctl) found through FCRM_PG_BINDIR, `pg_config --bindir`, PATH or /usr/lib/postgresql/<version>/bin. ' +
          'Install the PostgreSQL server package, point FCRM_PG_BINDIR at its bin folder, or set FCRM_TEST_SKIP_RESTART=1 to skip the restart test.',
      );
    }
    const dir = mkdtempSync(join(tmpdir(), 'fcrm-cluster-'));
    chmodSync(dir, 0o777);
    const cluster = new DedicatedCluster(bin, join(dir, 'data'), await freePort());
    cluster.run('initdb', ['-D', cluster.dir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8']);
    cluster.pgCtl('start');
    return cluster;
  }

  /**
   * Stops (fast: open connections are cut), as the first half of an operator's restart, and waits
   * until it is down. Asynchronous, so the test's own load keeps flowing meanwhile.
   */
  async stopServer(): Promise<void> {
    await this.pgCtlAsync('stop', ['-m', 'fast']);
  }

  /** Starts a stopped cluster and waits until it accepts connections. */
  async startServer(): Promise<void> {
    await this.pgCtlAsync('start');
  }

  private async pgCtlAsync(action: string, extra: string[] = []): Promise<void> {
    const [command, args] = this.command('pg_ctl', this.pgCtlArgs(action, extra));
    // stdio ignored: the (re)started server would inherit a pipe and keep it open after pg_ctl exits.
    const child = spawn(command, args, { cwd: '/tmp', stdio: 'ignore' });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    if (code !== 0) throw new Error(`pg_ctl ${action} exited with ${code}`);
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
