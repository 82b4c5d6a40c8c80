/**
 * Running a command to its end, for the scripts, the tools and the tests:
 * output collected, a time limit, never a throw for a non-zero exit (the
 * caller decides what a failure means and can show the output).
 */
import { spawn } from 'node:child_process';
import { REPO_ROOT } from './repository';

export interface CommandResult {
  stdout: string;
  stderr: string;
  /** null when the command was killed (see signal / timedOut). */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  elapsedMs: number;
}

export interface CommandOptions {
  /** Kill the command after this long (default 120 s). */
  timeoutMs?: number;
  input?: string;
  env?: NodeJS.ProcessEnv;
  /** Default: the repository root. */
  cwd?: string;
}

/** Rejects only when the command cannot be started at all (not installed, not executable). */
export function runCommand(command: string, args: readonly string[], options: CommandOptions = {}): Promise<CommandResult> {
  const timeoutMs = options.timeoutMs ?? 120_000;
  const startedAt = Date.now();
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd ?? REPO_ROOT,
      env: options.env ?? process.env,
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    if (options.input !== undefined) child.stdin!.end(options.input);
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ${command}: ${error.message}`));
    });
    child.on('close', (exitCode, signal) => {
      clearTimeout(timer);
      resolvePromise({ stdout, stderr, exitCode, signal, timedOut, elapsedMs: Date.now() - startedAt });
    });
  });
}

/** One line for a failed command: how it ended, and the tails of its output. */
export function describeFailure(what: string, result: CommandResult, tailChars = 4000): string {
  const how = result.timedOut ? 'timed out' : result.exitCode === null ? `was killed (${result.signal})` : `exited with ${result.exitCode}`;
  return `${what} ${how}\n--- stdout:\n${result.stdout.slice(-tailChars)}\n--- stderr:\n${result.stderr.slice(-tailChars)}`;
}

/** A command that did not exit 0; `result` holds its output. */
export class CommandFailure extends Error {
  constructor(readonly result: CommandResult, what: string) {
    super(describeFailure(what, result, 2000));
  }
}

/** Runs a command and throws a CommandFailure unless it exits 0. */
export async function runChecked(command: string, args: readonly string[], options: CommandOptions = {}): Promise<CommandResult> {
  const result = await runCommand(command, args, options);
  if (result.exitCode !== 0) throw new CommandFailure(result, [command, ...args].join(' '));
  return result;
}
