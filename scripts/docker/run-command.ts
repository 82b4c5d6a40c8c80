/**
 * Running the external tools the base-image scripts drive (docker, tar,
 * debootstrap, apt-get). Their progress goes to our stderr, so stdout stays
 * for results; a failure throws naming the command and how it ended.
 */
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Data written to the command's stdin. */
  input?: string | Buffer;
}

function describe(command: string, args: readonly string[]): string {
  return [command, ...args].join(' ');
}

function check(command: string, args: readonly string[], result: ReturnType<typeof spawnSync>): void {
  if (result.error) throw new Error(`cannot run \`${describe(command, args)}\`: ${result.error.message}`);
  if (result.status !== 0) {
    const how = result.signal ? `was killed by ${result.signal}` : `exited with ${result.status}`;
    throw new Error(`\`${describe(command, args)}\` ${how} (its output is above)`);
  }
}

/** Runs a command, showing its output on stderr. */
export function run(command: string, args: readonly string[], options: RunOptions = {}): void {
  const spawnOptions: SpawnSyncOptions = {
    cwd: options.cwd,
    env: options.env ?? process.env,
    input: options.input,
    stdio: [options.input === undefined ? 'ignore' : 'pipe', process.stderr, process.stderr],
  };
  check(command, args, spawnSync(command, args, spawnOptions));
}

/** Runs a command and returns its stdout; its stderr is shown on ours. */
export function capture(command: string, args: readonly string[], options: RunOptions = {}): string {
  const result = spawnSync(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    input: options.input,
    stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', process.stderr],
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  check(command, args, result);
  return result.stdout;
}

/** Whether a command exits 0; its output is discarded. */
export function succeeds(command: string, args: readonly string[]): boolean {
  const result = spawnSync(command, args, { stdio: 'ignore' });
  return !result.error && result.status === 0;
}
