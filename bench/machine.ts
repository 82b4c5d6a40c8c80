/** The machine the figures were measured on, as the report states it. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg, release } from 'node:os';

export interface Machine {
  nproc: number;
  memoryBytes: number;
  cpuModel: string;
  kernel: string;
}

export function parseCpuModel(cpuinfo: string): string {
  return /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? 'unknown (no "model name" in /proc/cpuinfo)';
}

export function parseMemTotal(meminfo: string): number {
  const match = /^MemTotal:\s+(\d+) kB$/m.exec(meminfo);
  if (!match) throw new Error('/proc/meminfo has no "MemTotal: <n> kB" line');
  return Number(match[1]) * 1024;
}

export function describeMachine(): Machine {
  return {
    nproc: Number(execFileSync('nproc', { encoding: 'utf8' }).trim()),
    memoryBytes: parseMemTotal(readFileSync('/proc/meminfo', 'utf8')),
    cpuModel: parseCpuModel(readFileSync('/proc/cpuinfo', 'utf8')),
    kernel: release(),
  };
}

/** 1-minute load average: the benchmarks share the machine with whatever else runs. */
export function loadAverage(): number {
  return loadavg()[0]!;
}
