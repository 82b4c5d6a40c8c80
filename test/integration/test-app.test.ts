// The Express + MySQL test app (test-app/), run as real processes against a
// real MariaDB, without any instrumentation: it must work on its own before
// it can tell us anything about the instrumentation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { runCommand as run } from '../../scripts/child-process';
import { freePort } from '../support/free-port';
import { ensureMariaDb, ensureTestAppDependencies, MARIADB_PORT, TEST_APP_DIR } from '../support/test-app-prerequisites';

const testAppDir = TEST_APP_DIR;
const mariadbPort = MARIADB_PORT;
const dbEnv = {
  DB_HOST: '127.0.0.1',
  DB_PORT: String(mariadbPort),
  DB_USER: 'testapp',
  DB_PASSWORD: 'testapp',
  DB_NAME: 'testapp',
};

// ---- process helpers ----

interface RunningApp {
  child: ChildProcess;
  baseUrl: string;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts an entry of test-app and resolves once it logged its listening line. */
function startApp(entry: string, env: Record<string, string>, timeoutMs = 30000): Promise<RunningApp> {
  const child = spawn(process.execPath, [entry], {
    cwd: testAppDir,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const output = () => `stdout:\n${stdout}\nstderr:\n${stderr}`;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${entry} did not log "test-app listening on" within ${timeoutMs} ms\n${output()}`));
    }, timeoutMs);
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    child.stdout!.on('data', (chunk) => {
      stdout += chunk;
      if (/test-app listening on /.test(stdout)) {
        clearTimeout(timer);
        resolve({ child, baseUrl: `http://127.0.0.1:${env.PORT}`, output, exited });
      }
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`${entry} exited (code ${code}, signal ${signal}) before listening\n${output()}`));
    });
  });
}

async function stopApp(app: RunningApp, timeoutMs = 15000) {
  if (app.child.exitCode !== null || app.child.signalCode !== null) return app.exited;
  app.child.kill('SIGTERM');
  const timer = setTimeout(() => app.child.kill('SIGKILL'), timeoutMs);
  const result = await app.exited;
  clearTimeout(timer);
  return result;
}

// ---- prerequisites ------------------------------------------------------

beforeAll(async () => {
  await ensureTestAppDependencies();
  await ensureMariaDb();
}, 15 * 60000);

// ---- the app, as real processes ----------------------------------------------

async function getJson(url: string, init?: RequestInit) {
  const response = await fetch(url, init);
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`${init?.method ?? 'GET'} ${url} answered ${response.status} with non-JSON body: ${text}`);
  }
  return { status: response.status, text, body: body as any };
}

describe.each([
  { variant: 'cjs', entry: 'server.cjs' },
  { variant: 'esm', entry: 'server.mjs' },
])('test-app $variant ($entry)', ({ variant, entry }) => {
  let app: RunningApp;
  let port: number;

  beforeAll(async () => {
    port = await freePort();
    app = await startApp(entry, { ...dbEnv, PORT: String(port), HOST: '127.0.0.1' });
  }, 60000);

  afterAll(async () => {
    if (app) await stopApp(app);
  });

  it('logs one listening line naming its address and variant', () => {
    expect(app.output()).toContain(`test-app listening on http://127.0.0.1:${port} (${variant})`);
  });

  it('GET / answers hello JSON', async () => {
    const { status, body } = await getJson(`${app.baseUrl}/`);
    expect(status).toBe(200);
    expect(body).toEqual({ message: 'hello from test-app', variant });
  });

  it('GET /health answers 200', async () => {
    const { status, body } = await getJson(`${app.baseUrl}/health`);
    expect(status).toBe(200);
    expect(body).toEqual({ status: 'ok' });
  });

  it('GET /slow waits the requested time', async () => {
    const startedAt = Date.now();
    const { status, body } = await getJson(`${app.baseUrl}/slow?ms=300`);
    expect(status).toBe(200);
    expect(body).toEqual({ waitedMs: 300 });
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(295);
  });

  it('GET /db/wait holds a pool connection for the requested time (SELECT SLEEP)', async () => {
    const { status, body } = await getJson(`${app.baseUrl}/db/wait?ms=200`);
    expect(status).toBe(200);
    expect(body).toEqual({ heldMs: 200 });
    const capped = await getJson(`${app.baseUrl}/db/wait?ms=abc`);
    expect(capped.body).toEqual({ heldMs: 150, note: 'ms="abc" is not a whole number of milliseconds; waited 150' });
  });

  it('GET /slow with a bad ms waits the default and says so', async () => {
    const { status, body } = await getJson(`${app.baseUrl}/slow?ms=soon`);
    expect(status).toBe(200);
    expect(body.waitedMs).toBe(150);
    expect(body.note).toMatch(/ms="soon".*waited 150/);
  });

  it('GET /error answers 500 from the error handler', async () => {
    const { status, body } = await getJson(`${app.baseUrl}/error`);
    expect(status).toBe(500);
    expect(body).toEqual({ error: 'deliberate failure from GET /error' });
  });

  it('POST /users inserts a row that GET /users then returns', async () => {
    const user = { name: `Ada ${variant}`, email: `ada-${variant}-${Date.now()}@example.test` };
    const created = await getJson(`${app.baseUrl}/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(user),
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ id: expect.any(Number), ...user });

    const listed = await getJson(`${app.baseUrl}/users?after=${created.body.id - 1}`);
    expect(listed.status).toBe(200);
    const row = listed.body.users.find((candidate: { id: number }) => candidate.id === created.body.id);
    expect(row).toMatchObject({ id: created.body.id, ...user });
    expect(Number.isNaN(Date.parse(row.created_at))).toBe(false);
  });

  it('POST /users rejects a body without email, naming the field', async () => {
    const { status, body } = await getJson(`${app.baseUrl}/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'No Email' }),
    });
    expect(status).toBe(400);
    expect(body.error).toContain('"email"');
  });

  it('GET /users rejects a bad ?after=, naming the parameter', async () => {
    const { status, body } = await getJson(`${app.baseUrl}/users?after=yesterday`);
    expect(status).toBe(400);
    expect(body.error).toContain('after="yesterday"');
  });

  it('GET /outbound returns the body of its own GET /', async () => {
    const [outbound, hello] = await Promise.all([getJson(`${app.baseUrl}/outbound`), getJson(`${app.baseUrl}/`)]);
    expect(outbound.status).toBe(200);
    expect(outbound.body).toEqual(hello.body);
  });

  it('GET /login answers 200 without echoing the credentials', async () => {
    const { status, text, body } = await getJson(`${app.baseUrl}/login?token=query-secret-123`, {
      headers: { authorization: 'Bearer header-secret-456' },
    });
    expect(status).toBe(200);
    expect(body).toEqual({ ok: true });
    expect(text).not.toContain('query-secret-123');
    expect(text).not.toContain('header-secret-456');
  });

  it('stops with exit code 0 on SIGTERM', async () => {
    const { code, signal } = await stopApp(app);
    expect({ code, signal }).toEqual({ code: 0, signal: null });
  }, 20000);

  it('with the database unreachable, prints one line naming host:port and the error, and exits 1 after the retry window', async () => {
    const closedPort = await freePort();
    const result = await run(process.execPath, [entry], {
      cwd: testAppDir,
      env: { ...process.env, ...dbEnv, DB_PORT: String(closedPort), DB_CONNECT_TIMEOUT_MS: '1500', PORT: String(await freePort()), HOST: '127.0.0.1' },
      timeoutMs: 20000,
    });
    const stderrLines = result.stderr.trim().split('\n');
    expect(result.exitCode, `stdout:\n${result.stdout}\nstderr:\n${result.stderr}`).toBe(1);
    expect(stderrLines).toHaveLength(1);
    expect(stderrLines[0]).toContain(`database unreachable at 127.0.0.1:${closedPort}`);
    expect(stderrLines[0]).toContain('ECONNREFUSED');
    expect(result.stdout).not.toContain('listening');
    // It kept retrying for the configured window (a timer: never early), and
    // gave up rather than retrying for ever (the bound only catches that).
    expect(result.elapsedMs).toBeGreaterThanOrEqual(1500);
    expect(result.elapsedMs).toBeLessThan(15_000);
  }, 30000);
});

// ---- the pure decisions behind the app -------------------------------------

const requireFromApp = createRequire(path.join(testAppDir, 'package.json'));

describe('test-app decisions', () => {
  const { readConfig } = requireFromApp('./lib/read-config.cjs');
  const { slowDuration } = requireFromApp('./lib/slow-duration.cjs');
  const { nextConnectAttempt } = requireFromApp('./lib/connect-database.cjs');

  it('reads defaults from an empty environment', () => {
    expect(readConfig({})).toEqual({
      config: {
        port: 8080,
        host: '0.0.0.0',
        dbHost: '127.0.0.1',
        dbPort: 3306,
        dbUser: 'testapp',
        dbPassword: 'testapp',
        dbName: 'testapp',
        dbConnectTimeoutMs: 10000,
      },
      warnings: [],
    });
  });

  it('replaces a bad PORT and DB_CONNECT_TIMEOUT_MS with defaults and names them', () => {
    const { config, warnings } = readConfig({ PORT: 'http', DB_CONNECT_TIMEOUT_MS: '-1', DB_PORT: '3307' });
    expect(config).toMatchObject({ port: 8080, dbConnectTimeoutMs: 10000, dbPort: 3307 });
    expect(warnings).toEqual([
      'PORT="http" is not a port number (0-65535); using 8080',
      'DB_CONNECT_TIMEOUT_MS="-1" is not a duration in milliseconds (0-3600000); using 10000',
    ]);
  });

  it('caps /slow at 5000 ms and says so', () => {
    expect(slowDuration(undefined)).toEqual({ ms: 150, note: undefined });
    expect(slowDuration('20')).toEqual({ ms: 20, note: undefined });
    expect(slowDuration('60000')).toEqual({ ms: 5000, note: 'ms=60000 is above the 5000 ms cap; waited 5000' });
  });

  it('retries a refused connection until the window is used up, but not bad credentials', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    const denied = Object.assign(new Error('Access denied'), { code: 'ER_ACCESS_DENIED_ERROR' });
    expect(nextConnectAttempt({ elapsedMs: 0, windowMs: 10000, error: refused })).toEqual({ retry: true, delayMs: 500 });
    expect(nextConnectAttempt({ elapsedMs: 9800, windowMs: 10000, error: refused })).toEqual({ retry: true, delayMs: 200 });
    expect(nextConnectAttempt({ elapsedMs: 10000, windowMs: 10000, error: refused })).toEqual({ retry: false });
    expect(nextConnectAttempt({ elapsedMs: 0, windowMs: 10000, error: denied })).toEqual({ retry: false });
  });
});
