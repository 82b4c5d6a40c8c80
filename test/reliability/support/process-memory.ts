/** Resident set size of another process, read from /proc (Linux). */
import { readFileSync } from 'node:fs';

export function residentMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  if (!match) throw new Error(`/proc/${pid}/status has no VmRSS line`);
  return Number(match[1]) / 1024;
}

/** Samples the RSS of `pid` every `everyMs` until stopped; returns the samples. */
export function sampleResident(pid: number, everyMs = 500): { stop(): number[] } {
  const samples: number[] = [];
  const take = () => {
    try {
      samples.push(residentMiB(pid));
    } catch {
      // the process has exited; the samples so far stand
    }
  };
  take();
  const timer = setInterval(take, everyMs);
  return {
    stop() {
      clearInterval(timer);
      take();
      return samples;
    },
  };
}
