/**
 * Short programs from the corpus, run to their end bare and under our tree
 * on the oldest and the newest Node major each supports: a CLI's --version
 * (CommonJS and ESM), a conversion that ends with process.exit() in an
 * 'exit' listener (Marp CLI's bin), the same program exiting 1, and `npm run`
 * scripts of the corpus package. Same stdout, same stderr but for our one
 * start-up line, same exit code, same files written.
 */
import { describe, inject, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { operatorEnv } from '../support/app-process';
import { PROGRAMS_DIR } from './programs';
import { ourLines } from './support/comparison';

interface ShortProgram {
  id: string;
  majors: [number, number];
  /** Arguments after `node`; `npm` first runs the runtime's npm. `out` is a fresh directory per run. */
  args(out: string): string[];
  /** A file the program writes into `out`, compared too. */
  writes?: string;
  exitCode: number;
}

const MARP = 'node_modules/@marp-team/marp-cli/marp-cli.js';
const SHORT_PROGRAMS: ShortProgram[] = [
  { id: 'http-server --version (CommonJS)', majors: [14, 26], args: () => ['node_modules/http-server/bin/http-server', '--version'], exitCode: 0 },
  { id: 'serve --version (ESM)', majors: [14, 26], args: () => ['node_modules/serve/build/main.js', '--version'], exitCode: 0 },
  { id: "marp converts a deck, then process.exit(0) in an 'exit' listener", majors: [18, 26], args: (out) => [MARP, '../site/deck.md', '-o', join(out, 'deck.html')], writes: 'deck.html', exitCode: 0 },
  { id: "marp finds no deck: process.exit(1) in an 'exit' listener", majors: [18, 26], args: () => [MARP, '../site/no-such-deck.md'], exitCode: 1 },
  { id: 'npm run --silent serve-version (npm, sh, node)', majors: [14, 26], args: () => ['npm', 'run', '--silent', 'serve-version'], exitCode: 0 },
  { id: 'npm run --silent slides -- <file>', majors: [18, 26], args: (out) => ['npm', 'run', '--silent', 'slides', '--', join(out, 'deck.html')], writes: 'deck.html', exitCode: 0 },
  { id: 'npm run --silent slides-missing: the script exits 1', majors: [18, 26], args: () => ['npm', 'run', '--silent', 'slides-missing'], exitCode: 1 },
];

interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  written?: string;
}

function runToEnd(program: ShortProgram, runtimeDir: string, env: Record<string, string>): Promise<Finished> {
  const out = mkdtempSync(join(tmpdir(), 'corpus-short-'));
  const command = program.args(out);
  const args = command[0] === 'npm' ? [join(runtimeDir, 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js'), ...command.slice(1)] : command;
  const child = spawn(join(runtimeDir, 'bin', 'node'), args, {
    cwd: PROGRAMS_DIR,
    env: { PATH: `${join(runtimeDir, 'bin')}:${process.env.PATH ?? ''}`, HOME: process.env.HOME ?? '/root', NO_UPDATE_CHECK: '1', npm_config_update_notifier: 'false', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve, reject) => {
    const guard = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(guard);
      const written = program.writes ? readFileSync(join(out, program.writes), 'utf8') : undefined;
      rmSync(out, { recursive: true, force: true });
      // The temporary directory's name is the one difference the two runs may print,
      // whole or as a path relative to the working directory (Marp prints ../../…/corpus-short-XXXXXX).
      const masked = (text: string) => text.split(out).join('<out>').split(basename(out)).join('<out>');
      resolve({ code, signal, stdout: masked(stdout), stderr: masked(stderr), written });
    });
  });
}

describe.each(SHORT_PROGRAMS)('$id', (program) => {
  it.concurrent.for(program.majors)('Node %i: same output, files and exit code under our tree', async (major, { expect }) => {
    const { runtimeDir, entry } = inject('corpusMajors')[major]!;
    const { NODE_OPTIONS, ...otelEnv } = operatorEnv(entry, 'http://127.0.0.1:1', { OTEL_TRACES_EXPORTER: 'none', OTEL_METRICS_EXPORTER: 'none', OTEL_LOGS_EXPORTER: 'none' });
    const bare = await runToEnd(program, runtimeDir, otelEnv);
    const ours = await runToEnd(program, runtimeDir, { ...otelEnv, NODE_OPTIONS: NODE_OPTIONS! });
    expect(bare.code, `bare run\n${bare.stdout}${bare.stderr}`).toBe(program.exitCode);
    expect({ code: ours.code, signal: ours.signal }).toEqual({ code: bare.code, signal: bare.signal });
    expect(ours.stdout).toBe(bare.stdout);
    const lines = ourLines(ours.stderr);
    expect(lines.some((l) => l.includes('started custom-otel-autoinstrumentation-nodejs')), `our tree loaded (its start-up line)\n${ours.stderr}`).toBe(true);
    expect(lines.filter((l) => / (warn|error):/.test(l)), 'warnings or errors of ours').toEqual([]);
    expect(ours.stderr.split('\n').filter((l) => !l.includes('[custom-otel]')).join('\n')).toBe(bare.stderr);
    expect(ours.written).toBe(bare.written);
  });
});
