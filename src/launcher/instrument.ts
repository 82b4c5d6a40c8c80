/**
 * `node <tree>/instrument.js [--<setting> VALUE]... -- COMMAND [ARGS...]`:
 * runs COMMAND instrumented by this tree, outside Kubernetes, with settings
 * given on the command line (as opentelemetry-instrument does for Python).
 * The app is a child process: its exit code is ours, a signal that ends it
 * ends us the same way, and SIGTERM/SIGINT/SIGHUP sent to us reach it.
 */
import { spawn } from 'child_process';
import { join } from 'path';
import { settingNames } from '../config/setting-names';
import { parseLauncherArgs, usage, withEntry } from './launcher-args';

const FORWARDED: NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGQUIT', 'SIGUSR2'];

function fail(message: string, code: number): never {
  process.stderr.write(`instrument.js: ${message}\n`);
  process.exit(code);
}

function main(): void {
  const variables = settingNames();
  const parsed = parseLauncherArgs(process.argv.slice(2), variables);
  if (parsed.kind === 'help') {
    process.stdout.write(usage(variables) + '\n');
    return;
  }
  if (parsed.kind === 'error') fail(`${parsed.message}\n${usage(variables)}`, 2);

  const env: NodeJS.ProcessEnv = { ...process.env, ...parsed.overrides };
  env.NODE_OPTIONS = withEntry(process.env.NODE_OPTIONS, join(__dirname, 'autoinstrumentation.js'));
  const [command, ...args] = parsed.command;
  const child = spawn(command!, args, { env, stdio: 'inherit' });

  // Ctrl-C and Ctrl-\ at a terminal reach the app by themselves (it is in our
  // process group); forwarding them too would make it see each twice.
  const fromTerminal = (signal: NodeJS.Signals) => (signal === 'SIGINT' || signal === 'SIGQUIT') && process.stdin.isTTY === true;
  const forward = (signal: NodeJS.Signals) => () => {
    if (child.exitCode === null && child.signalCode === null && !fromTerminal(signal)) child.kill(signal);
  };
  const handlers = FORWARDED.map((signal) => [signal, forward(signal)] as const);
  for (const [signal, handler] of handlers) process.on(signal, handler);

  child.on('error', (error: NodeJS.ErrnoException) => {
    fail(`cannot run ${JSON.stringify(command)}: ${error.code === 'ENOENT' ? 'not found on PATH' : error.message}`, error.code === 'ENOENT' ? 127 : 126);
  });
  child.on('exit', (code, signal) => {
    for (const [name, handler] of handlers) process.removeListener(name, handler);
    if (signal) {
      // Ended by a signal: end the same way, so whoever waits for us sees it.
      process.kill(process.pid, signal);
      return;
    }
    process.exit(code ?? 1);
  });
}

main();
