/**
 * The cluster's long-running processes: each started detached in its own
 * process group, its output in .cluster/logs/<name>.log, its pid in
 * .cluster/run/<name>.pid together with the binary it runs, so that `status`
 * and `down` find exactly the processes `up` started (a pid reused by another
 * program is not ours and is left alone).
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LOG_DIR, RUN_DIR } from './layout';
import { exeOf, terminate } from './process-control';

export interface ProcessRecord {
  name: string;
  pid: number;
  binary: string;
  /** The command line's arguments, JSON. */
  args: string;
}

function recordFile(name: string): string {
  return join(RUN_DIR, `${name}.pid`);
}

export function logFile(name: string): string {
  return join(LOG_DIR, `${name}.log`);
}

function readRecord(name: string): ProcessRecord | undefined {
  const file = recordFile(name);
  if (!existsSync(file)) return undefined;
  const [pid, binary, args] = readFileSync(file, 'utf8').split('\n');
  return { name, pid: Number(pid), binary: binary ?? '', args: args ?? '' };
}

/** True when the pid runs the recorded binary (the pid was not reused). */
function isOurs(record: ProcessRecord): boolean {
  return exeOf(record.pid) === record.binary;
}

export function runningProcess(name: string): ProcessRecord | undefined {
  const record = readRecord(name);
  return record && isOurs(record) ? record : undefined;
}

export function recordedProcesses(): ProcessRecord[] {
  if (!existsSync(RUN_DIR)) return [];
  return readdirSync(RUN_DIR)
    .filter((f) => f.endsWith('.pid'))
    .map((f) => readRecord(f.slice(0, -'.pid'.length)))
    .filter((r): r is ProcessRecord => r !== undefined);
}

export interface StartOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/**
 * Starts the process unless ours already runs under that name with the same
 * binary and arguments (idempotent `up`); one running an older build or
 * command line is replaced.
 */
export async function startProcess(name: string, binary: string, args: readonly string[], options: StartOptions = {}): Promise<{ record: ProcessRecord; started: boolean }> {
  const running = runningProcess(name);
  if (running && running.binary === binary && running.args === JSON.stringify(args)) return { record: running, started: false };
  if (running) await stopProcess(name);
  mkdirSync(RUN_DIR, { recursive: true });
  mkdirSync(LOG_DIR, { recursive: true });
  const out = openSync(logFile(name), 'a');
  const child = spawn(binary, args, { detached: true, stdio: ['ignore', out, out], env: options.env ?? process.env, cwd: options.cwd });
  closeSync(out);
  if (child.pid === undefined) throw new Error(`cluster: cannot start ${name} (${binary})`);
  child.unref();
  const record = { name, pid: child.pid, binary, args: JSON.stringify(args) };
  writeFileSync(recordFile(name), `${record.pid}\n${binary}\n${record.args}\n`);
  return { record, started: true };
}

/** SIGTERM to the process group, SIGKILL after a grace period; removes the record. */
export async function stopProcess(name: string, graceMs = 15_000): Promise<boolean> {
  const record = readRecord(name);
  if (!record) return false;
  let stopped = false;
  if (isOurs(record)) {
    await terminate(record.pid, graceMs);
    stopped = true;
  }
  rmSync(recordFile(name), { force: true });
  return stopped;
}

/** The last lines of a process's log, for an error message. */
export function logTail(name: string, lines = 20): string {
  const file = logFile(name);
  if (!existsSync(file)) return '(no log)';
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}
