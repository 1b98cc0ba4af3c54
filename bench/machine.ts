import os from 'node:os';

/** What a reader needs to compare these numbers with their own. */
export interface MachineInfo {
  cores: number;
  cpuModel: string;
  totalMemoryGiB: number;
  node: string;
  postgres: string;
  synchronousCommit: string;
  database: string;
  /** 1-minute load average when the run started: other work on the box skews every number. */
  loadAtStart: number;
}

export function describeMachine(postgres: string, synchronousCommit: string, database: string): MachineInfo {
  const cpus = os.cpus();
  return {
    cores: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    totalMemoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    postgres,
    synchronousCommit,
    database,
    loadAtStart: os.loadavg()[0],
  };
}

export function machineLine(m: MachineInfo): string {
  return `${m.cores} cores, ${m.cpuModel}, ${m.totalMemoryGiB} GiB RAM, Node ${m.node}, PostgreSQL ${m.postgres} (synchronous_commit=${m.synchronousCommit}), database: ${m.database}, load avg ${m.loadAtStart.toFixed(2)} at start`;
}
