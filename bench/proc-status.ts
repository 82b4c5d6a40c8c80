/** Memory and CPU time of a live process, from /proc (Linux). */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface ProcMemory {
  /** Peak resident set size so far (VmHWM), in bytes. */
  peakRssBytes: number;
  /** Current resident set size (VmRSS), in bytes. */
  rssBytes: number;
}

export function parseProcStatus(text: string, source: string): ProcMemory {
  const kilobytes = (field: string): number => {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(text);
    if (!match) throw new Error(`${source} has no "${field}: <n> kB" line`);
    return Number(match[1]) * 1024;
  };
  return { peakRssBytes: kilobytes('VmHWM'), rssBytes: kilobytes('VmRSS') };
}

export function readProcMemory(pid: number): ProcMemory {
  const file = `/proc/${pid}/status`;
  return parseProcStatus(readFileSync(file, 'utf8'), file);
}

/** user + system CPU seconds of a process so far, from /proc/<pid>/stat (fields 14 and 15, in clock ticks). */
export function parseProcStatCpuTicks(text: string, source: string): number {
  // The command name (field 2) is in parentheses and may hold spaces; count fields after its closing one.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) throw new Error(`${source}: cannot read utime/stime from "${text.slice(0, 200)}"`);
  return utime + stime;
}

let ticksPerSecond: number | undefined;

export function readProcCpuSeconds(pid: number): number {
  ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
  const file = `/proc/${pid}/stat`;
  return parseProcStatCpuTicks(readFileSync(file, 'utf8'), file) / ticksPerSecond;
}
