/**
 * One run of a corpus program: start it on a free port, wait until the port
 * accepts connections (and its output shows it ready, where it says how), send its requests one after another, send the signal
 * right after the last answer (as a rollout does), and record the answers,
 * the exit and the output.
 */
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { request } from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { freePort } from '../../support/free-port';
import { PROGRAMS_DIR, type CorpusProgram, type CorpusRequest } from '../programs';

export interface Answer {
  status: number;
  body: string;
}

export interface ProgramRun {
  answers: Answer[];
  exit: { code: number | null; signal: NodeJS.Signals | null };
  /** The run outlived the hang guard after the signal and was killed. */
  killedAfterHang: boolean;
  stdout: string;
  stderr: string;
}

/** Time a program may take to exit after the signal before the run is judged hung (kubelet's default grace is 30 s). */
export const HANG_GUARD_MS = 15_000;
const START_GUARD_MS = 45_000;

export async function runProgram(program: CorpusProgram, options: { runtimeDir: string; env: Record<string, string>; signal: NodeJS.Signals }): Promise<ProgramRun> {
  const port = await freePort();
  const node = join(options.runtimeDir, 'bin', 'node');
  const command = program.command(port);
  const args = command[0] === 'npm' ? [join(options.runtimeDir, 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js'), ...command.slice(1)] : command;
  const child = spawn(node, args, {
    cwd: join(PROGRAMS_DIR, program.cwd ?? '.'),
    env: {
      // The runtime's node first: programs that spawn `node` get the same runtime.
      PATH: `${join(options.runtimeDir, 'bin')}:${process.env.PATH ?? ''}`,
      HOME: process.env.HOME ?? '/root',
      PORT: String(port),
      npm_config_update_notifier: 'false',
      ...program.env,
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group: the signal goes to the program's process alone
    // (as the kubelet's goes to the container's first process), and whatever
    // it leaves behind is ended with the group, as a container's end would.
    detached: true,
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  let hasExited = false;
  void exited.then(() => (hasExited = true));
  const describe = () => `${program.id}: ${node} ${args.join(' ')}\nstdout: ${stdout.slice(-3000)}\nstderr: ${stderr.slice(-3000)}`;
  try {
    await waitForPort(port, () => hasExited, START_GUARD_MS);
    if (program.readyWhen) await waitForOutput(() => program.readyWhen!(stdout), () => hasExited, START_GUARD_MS);
  } catch (error) {
    child.kill('SIGKILL');
    await exited;
    endGroup(child.pid!);
    throw new Error(`${(error as Error).message}\n${describe()}`);
  }
  const answers: Answer[] = [];
  try {
    for (const item of program.requests) answers.push(item.websocket ? await websocketFirstMessage(port, item.path) : await send(port, item));
  } catch (error) {
    child.kill('SIGKILL');
    await exited;
    endGroup(child.pid!);
    throw new Error(`request ${answers.length + 1} failed: ${(error as Error).message}\n${describe()}`);
  }
  child.kill(options.signal);
  let killedAfterHang = false;
  const guard = setTimeout(() => {
    killedAfterHang = true;
    child.kill('SIGKILL');
  }, HANG_GUARD_MS);
  const exit = await exited;
  clearTimeout(guard);
  endGroup(child.pid!);
  return { answers, exit, killedAfterHang, stdout, stderr };
}

/** SIGKILL to what is left of the program's process group (children it did not end). */
function endGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // ESRCH: nothing left.
  }
}

async function waitForPort(port: number, exited: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited()) throw new Error(`exited before listening on 127.0.0.1:${port}`);
    if (await accepts(port)) return;
    if (Date.now() > deadline) throw new Error(`did not listen on 127.0.0.1:${port} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function waitForOutput(ready: () => boolean, exited: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ready()) {
    if (exited()) throw new Error('exited before its output showed it ready');
    if (Date.now() > deadline) throw new Error(`its output did not show it ready within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.on('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

/** One request on its own connection, as separate clients send them. */
function send(port: number, item: CorpusRequest): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: item.path, method: item.method ?? 'GET', headers: item.headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.setTimeout(20_000, () => req.destroy(new Error(`${item.method ?? 'GET'} ${item.path} timed out`)));
    req.end(item.body);
  });
}

interface WebSocketClient {
  on(event: 'error', listener: (error: Error) => void): void;
  on(event: 'message', listener: (data: unknown) => void): void;
  once(event: 'close', listener: () => void): void;
  close(): void;
  terminate(): void;
}
type WebSocketClass = new (url: string) => WebSocketClient;

/** A WebSocket client (the `ws` package the corpus installs): the upgrade's status and the first message, then a clean close. */
function websocketFirstMessage(port: number, path: string): Promise<Answer> {
  const WebSocket = createRequire(join(PROGRAMS_DIR, 'package.json'))('ws') as WebSocketClass;
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`ws://127.0.0.1:${port}${path}`);
    const timer = setTimeout(() => {
      socket.terminate();
      reject(new Error(`WebSocket ${path}: no message within 20 s`));
    }, 20_000);
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.on('message', (data) => {
      clearTimeout(timer);
      socket.once('close', () => resolve({ status: 101, body: String(data) }));
      socket.close();
    });
  });
}
