/**
 * The node's long-running processes (containerd, kubelet, kube-proxy): each
 * started detached in its own process group, output in <node>/logs/<name>.log,
 * pid and binary in <node>/run/<name>.pid, so that stopNode finds exactly the
 * processes startNode made (a pid reused by another program is left alone).
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exeOf, signalGroup, terminate, untilGone } from './process-control';

export interface ProcessDirs {
  runDir: string;
  logDir: string;
}

interface ProcessRecord {
  pid: number;
  binary: string;
}

function readRecord(dirs: ProcessDirs, name: string): ProcessRecord | undefined {
  const file = join(dirs.runDir, `${name}.pid`);
  if (!existsSync(file)) return undefined;
  const [pid, binary] = readFileSync(file, 'utf8').split('\n');
  return { pid: Number(pid), binary: binary ?? '' };
}

export function logFile(dirs: ProcessDirs, name: string): string {
  return join(dirs.logDir, `${name}.log`);
}

/** The pid of our process of that name, when it still runs. */
export function runningPid(dirs: ProcessDirs, name: string): number | undefined {
  const record = readRecord(dirs, name);
  return record && exeOf(record.pid) === record.binary ? record.pid : undefined;
}

/** Starts the process unless ours already runs under that name. */
export function startProcess(dirs: ProcessDirs, name: string, binary: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): number {
  const running = runningPid(dirs, name);
  if (running !== undefined) return running;
  mkdirSync(dirs.runDir, { recursive: true });
  mkdirSync(dirs.logDir, { recursive: true });
  const out = openSync(logFile(dirs, name), 'a');
  const child = spawn(binary, args, { detached: true, stdio: ['ignore', out, out], env });
  closeSync(out);
  if (child.pid === undefined) throw new Error(`cluster: cannot start ${name} (${binary})`);
  child.unref();
  writeFileSync(join(dirs.runDir, `${name}.pid`), `${child.pid}\n${binary}\n`);
  return child.pid;
}

/** SIGTERM to the process group, SIGKILL after the grace period; removes the record. */
export async function stopProcess(dirs: ProcessDirs, name: string, graceMs = 15_000): Promise<boolean> {
  const pid = runningPid(dirs, name);
  if (pid !== undefined) await terminate(pid, graceMs);
  rmSync(join(dirs.runDir, `${name}.pid`), { force: true });
  return pid !== undefined;
}

/** Every process whose executable is one of these files (the shims containerd left behind). */
export function processesRunning(binaries: readonly string[]): number[] {
  const wanted = new Set(binaries);
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((pid) => {
      const exe = exeOf(pid);
      return exe !== undefined && wanted.has(exe);
    });
}

export async function killProcesses(pids: readonly number[]): Promise<void> {
  for (const pid of pids) signalGroup(pid, 'SIGKILL');
  await untilGone(pids);
}

export function logTail(dirs: ProcessDirs, name: string, lines = 25): string {
  const file = logFile(dirs, name);
  if (!existsSync(file)) return '(no log)';
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}
