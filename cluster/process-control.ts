/**
 * Liveness and signals of the processes the cluster (and a test's private
 * engine) starts: each is spawned detached, so it leads a process group of
 * its own, and a signal goes to that whole group (its children too).
 */
import { readlinkSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** The executable a pid runs now (a deleted file's path without " (deleted)"), or undefined when it is gone. */
export function exeOf(pid: number): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/exe`).replace(/ \(deleted\)$/, '');
  } catch {
    return undefined;
  }
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** To the process group the pid leads, or to the pid alone where it leads none; nothing when it is gone. */
export function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // Already gone.
    }
  }
}

/** SIGTERM to the group, SIGKILL after `graceMs` if the pid still runs, then up to 5 s for it to go. */
export async function terminate(pid: number, graceMs: number): Promise<void> {
  signalGroup(pid, 'SIGTERM');
  for (let waited = 0; waited < graceMs && alive(pid); waited += 200) await sleep(200);
  if (alive(pid)) signalGroup(pid, 'SIGKILL');
  await untilGone([pid]);
}

/** Up to `limitMs` for every pid to go. */
export async function untilGone(pids: readonly number[], limitMs = 5_000): Promise<void> {
  for (let waited = 0; waited < limitMs && pids.some(alive); waited += 100) await sleep(100);
}
