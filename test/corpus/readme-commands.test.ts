/**
 * Every command the README shows in a shell block is run as typed by some
 * test: the table below names the test for each, and the README's own
 * commands of the "test app on this machine" walk-through and of the
 * build section's staging lines are run here, as typed, in a fresh clone
 * of this commit (`npm run stage` on a fresh clone once left the universal
 * tree with dangling symlinks: a relative --out).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO } from '../../scripts/stage';

/** Commands of the README's ```sh blocks, a continued line joined to the next, comments dropped. */
export function readmeCommands(readme: string): string[] {
  const commands: string[] = [];
  for (const block of readme.matchAll(/^```sh\n([\s\S]*?)^```/gm)) {
    const joined = block[1]!.replace(/\\\n\s*/g, '');
    for (const line of joined.split('\n')) {
      const command = line.replace(/\s+#.*$/, '').trim();
      if (command && !command.startsWith('#')) commands.push(command);
    }
  }
  return commands;
}

/**
 * Where each README command runs. `as typed here`: this file. Otherwise the
 * test file that runs it, and a fragment of that file that shows it does;
 * `how` says what differs from the typed text (a registry on 127.0.0.1 for
 * the example host, a --image of its own so it leaves the tested images alone).
 */
const WHERE: Record<string, { file: string; fragment: string; how?: string }> = {
  './build-multi-version': {
    file: 'test/e2e/support/global-setup.ts',
    fragment: "runBuildScript(['--versions', majors.join(','), '--offline'])",
    how: 'the e2e set-up builds 18, 20 and 22 with the same script, --offline after its --prefetch; all seven majors as typed is not run by a test (minutes of image builds)',
  },
  'npm test': { file: '.ci/run', fragment: 'npm test', how: 'CI runs it as typed' },
  'npm run stage -- --versions 20': { file: 'test/corpus/readme-commands.test.ts', fragment: 'as typed here' },
  '(cd test-app && npm ci)': { file: 'test/corpus/readme-commands.test.ts', fragment: 'as typed here' },
  'scripts/mariadb.sh': { file: 'test/corpus/readme-commands.test.ts', fragment: 'as typed here' },
  'node .stage/trees/node20/instrument.js --traces_exporter console --metrics_exporter none --service_name test-app -- node test-app/server.cjs': {
    file: 'test/corpus/readme-commands.test.ts',
    fragment: 'as typed here',
  },
  'curl localhost:8080/users': { file: 'test/corpus/readme-commands.test.ts', fragment: 'as typed here' },
  'kubectl exec -n otel-demo deploy/test-app -- node /otel-auto-instrumentation-nodejs/doctor.js': {
    file: 'test/e2e/doctor.e2e.test.ts',
    fragment: '/doctor.js`',
    how: 'docker exec into the pod container the operator makes (no kubectl on the test machine), same node and path',
  },
  'kubectl exec -n otel-demo deploy/test-app -- node /otel-auto-instrumentation-nodejs/node20/doctor.js': {
    file: 'test/cluster/user-flow.test.ts',
    fragment: '/otel-auto-instrumentation-nodejs/node${major}/doctor.js',
    how: "kubectl exec on the project's cluster into the universal Instrumentation's pod, the doctor of the pod's Node major",
  },
  './build-multi-version --versions 18,20,22': { file: 'test/e2e/build-as-typed.e2e.test.ts', fragment: "'--versions', '18,20,22'", how: 'with --offline --registry 127.0.0.1:<port> and an --image of its own' },
  './build-multi-version --versions 18,20,22 --offline --registry mirror.example.com': { file: 'test/e2e/build-as-typed.e2e.test.ts', fragment: "'--versions', '18,20,22', '--offline', '--registry', registry.host", how: 'the mirror is a registry on 127.0.0.1' },
  './build-multi-version --image registry.example.com/otel/autoinstrumentation-nodejs --push': { file: 'test/e2e/build-as-typed.e2e.test.ts', fragment: "'--push', '--image'", how: 'a registry on 127.0.0.1, --versions 20' },
  './build-multi-version --platform linux/amd64,linux/arm64 --push --image registry.example.com/otel/nodejs': { file: 'test/e2e/build-flags.e2e.test.ts', fragment: "'--push', '--platform'", how: 'a registry on 127.0.0.1, one platform' },
  './build-multi-version --versions 20 --stage-only --out /tmp/trees': { file: 'test/corpus/readme-commands.test.ts', fragment: 'as typed here' },
  './build-multi-version --versions 20,22 --no-universal': { file: 'test/unit/build-options.test.ts', fragment: "'--no-universal'", how: 'parsed only: builds two images' },
  './build-multi-version --help': { file: 'test/e2e/build-as-typed.e2e.test.ts', fragment: "runBuildScript(['--help']" },
  './build-multi-version --versions 18,20,22 --prefetch --registry mirror.example.com': { file: 'test/e2e/build-as-typed.e2e.test.ts', fragment: "'--prefetch', '--registry', registry.host", how: 'the mirror is a registry on 127.0.0.1, --versions 18' },
};

describe("the README's commands", () => {
  it('each shell command in the README is run by a test named here, and that test holds it', () => {
    const commands = readmeCommands(readFileSync(join(REPO, 'README.md'), 'utf8'));
    expect(commands.length).toBeGreaterThan(10);
    for (const command of commands) {
      const where = WHERE[command];
      expect(where, `README command not run by any test: ${command}`).toBeDefined();
      expect(existsSync(join(REPO, where!.file)), `${where!.file} (for ${command})`).toBe(true);
      expect(readFileSync(join(REPO, where!.file), 'utf8'), `${where!.file} should run ${command}`).toContain(where!.fragment);
    }
  });
});

describe('as typed here, in a fresh clone of this commit', () => {
  let clone: string;
  const commands = readmeCommands(readFileSync(join(REPO, 'README.md'), 'utf8'));
  const typed = (start: string) => {
    const command = commands.find((c) => c.startsWith(start));
    if (!command) throw new Error(`the README no longer shows a command starting with "${start}"`);
    return command;
  };

  beforeAll(() => {
    clone = mkdtempSync(join(tmpdir(), 'readme-clone-'));
    execFileSync('git', ['clone', '--quiet', '--no-checkout', REPO, clone]);
    execFileSync('git', ['-C', clone, 'checkout', '--quiet', '--detach', execFileSync('git', ['-C', REPO, 'rev-parse', 'HEAD']).toString().trim()]);
    // The repository's own dependencies, as `npm ci` would lay them (its run on a fresh clone is tested by the e2e build-as-typed test).
    symlinkSync(join(REPO, 'node_modules'), join(clone, 'node_modules'));
  }, 120_000);
  afterAll(() => {
    if (clone) rmSync(clone, { recursive: true, force: true });
  });

  it('the test app walk-through in order: npm run stage -- --versions 20 (a universal tree whose files resolve), test-app npm ci, MariaDB, the launcher with console spans, curl', async () => {
    const staged = await shell(typed('npm run stage'), clone, 600_000);
    expect(staged.code, staged.output).toBe(0);
    const universal = join(clone, '.stage', 'trees', 'universal');
    expect(existsSync(join(universal, 'node20', 'autoinstrumentation.js')), staged.output).toBe(true);
    const loaded = await shell(`node -e "require('${universal}/autoinstrumentation.js')"`, clone, 60_000, { OTEL_TRACES_EXPORTER: 'none', OTEL_METRICS_EXPORTER: 'none', OTEL_LOGS_EXPORTER: 'none' });
    expect(loaded.code, loaded.output).toBe(0);
    expect(loaded.output).toContain('started custom-otel-autoinstrumentation-nodejs');

    for (const command of [typed('(cd test-app'), typed('scripts/mariadb.sh')]) {
      const run = await shell(command, clone, 300_000);
      expect(run.code, `${command}\n${run.output}`).toBe(0);
    }
    const server = spawn('bash', ['-c', typed('node .stage/trees/node20/instrument.js')], { cwd: clone, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    server.stdout.on('data', (d) => (output += d));
    server.stderr.on('data', (d) => (output += d));
    const exited = new Promise<number | null>((resolve) => server.on('exit', (code) => resolve(code)));
    try {
      await waitForAnswer(8080, () => server.exitCode !== null, () => output);
      const curl = await shell(typed('curl localhost:8080/users'), clone, 30_000);
      expect(curl.code, curl.output).toBe(0);
      expect(() => JSON.parse(curl.stdout), curl.output).not.toThrow();
      // The console exporter prints the request's server span (and the query's) to stdout.
      await until(() => /kind: 1[,\s]/.test(output) && output.includes("'/users'"), 20_000, () => `the server span of GET /users on the console:\n${output.slice(-4000)}`);
    } finally {
      server.kill('SIGTERM');
      await exited;
    }
  }, 600_000);

  it('./build-multi-version --versions 20 --stage-only --out /tmp/trees: the node20 tree, its SBOM and the universal tree', async () => {
    const run = await shell(typed('./build-multi-version --versions 20 --stage-only'), clone, 600_000);
    expect(run.code, run.output).toBe(0);
    for (const path of ['node20/autoinstrumentation.js', 'node20.cdx.json', 'universal/node20/autoinstrumentation.js']) {
      expect(existsSync(join('/tmp/trees', path)), `/tmp/trees/${path}\n${run.output}`).toBe(true);
    }
  }, 600_000);
});

/** `output` is stdout and stderr as they came; `stdout` alone too (curl's progress meter goes to stderr). */
function shell(command: string, cwd: string, timeoutMs: number, env: Record<string, string> = {}): Promise<{ code: number | null; output: string; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-c', command], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let stdout = '';
    child.stdout.on('data', (d) => {
      output += d;
      stdout += d;
    });
    child.stderr.on('data', (d) => (output += d));
    const guard = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(guard);
      resolve({ code, output, stdout });
    });
  });
}

async function until(condition: () => boolean, timeoutMs: number, what: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Until the port accepts a connection; fails at once if the server exited first. */
async function waitForAnswer(port: number, exited: () => boolean, output: () => string): Promise<void> {
  let accepted = false;
  const deadline = Date.now() + 60_000;
  while (!accepted) {
    if (exited()) throw new Error(`the test app exited before listening on ${port}:\n${output()}`);
    if (Date.now() > deadline) throw new Error(`the test app did not listen on ${port} within 60 s:\n${output()}`);
    accepted = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.on('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (!accepted) await new Promise((r) => setTimeout(r, 200));
  }
}
