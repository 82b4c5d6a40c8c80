/**
 * Docker helpers for the e2e tests: the engine, the local base images, local
 * registries (a real one and one that fails its first connections) and
 * running containers with a timeout. They drive the scripts in scripts/docker,
 * which CI runs too, so tests and CI set things up the same way.
 */
import { describeFailure, runCommand, type CommandOptions, type CommandResult } from '../../../scripts/child-process';
import { REPO_ROOT } from '../../../scripts/repository';
import { randomBytes } from 'node:crypto';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { freePort } from '../../support/free-port';

const SCRIPTS = join(REPO_ROOT, 'scripts', 'docker');

export { runCommand, type CommandOptions, type CommandResult } from '../../../scripts/child-process';

/** Runs the docker CLI; throws with its output when it does not exit 0. */
export async function docker(args: readonly string[], options: CommandOptions = {}): Promise<CommandResult> {
  const result = await runCommand('docker', args, options);
  if (result.exitCode !== 0) throw new Error(describeFailure(`docker ${args.join(' ')}`, result));
  return result;
}

export interface DockerEngine {
  serverVersion: string;
  clientVersion: string;
}

/** Throws a clear error when the Docker engine cannot be reached. */
export async function requireDockerEngine(): Promise<DockerEngine> {
  const hint = 'Start it with `bash scripts/docker/ensure-engine.sh` (as root); CI runs that script in .ci/run.';
  let result: CommandResult;
  try {
    result = await runCommand('docker', ['version', '--format', '{{.Server.Version}} {{.Client.Version}}'], { timeoutMs: 20_000 });
  } catch (error) {
    throw new Error(`the docker CLI is missing (${(error as Error).message}). ${hint}`);
  }
  if (result.exitCode !== 0) {
    const why = result.timedOut ? 'no answer within 20 s' : result.stderr.trim().split('\n')[0];
    throw new Error(`the Docker engine is not reachable (${why}). ${hint}`);
  }
  const [serverVersion = '', clientVersion = ''] = result.stdout.trim().split(' ');
  return { serverVersion, clientVersion };
}

/**
 * Makes the missing local base images: debian:bookworm-slim, busybox:stable
 * and node:<major>-bookworm-slim for each major (scripts/docker/base-images.sh).
 * Cold, this takes about 35 s plus 15 s per major.
 */
export async function ensureBaseImages(majors: readonly number[], timeoutMs = 20 * 60_000): Promise<void> {
  if (majors.length === 0) throw new Error('ensureBaseImages: name at least one Node major');
  const result = await runCommand('bash', [join(SCRIPTS, 'base-images.sh'), ...majors.map(String)], { timeoutMs });
  if (result.exitCode !== 0) throw new Error(describeFailure(`scripts/docker/base-images.sh ${majors.join(' ')}`, result));
}

export interface Registry {
  port: number;
  /** Prefix for image names in this registry, e.g. "127.0.0.1:5000". */
  host: string;
  stop(): Promise<void>;
}

/** Starts (or keeps) a local registry on 127.0.0.1:port (scripts/docker/registry.sh). */
export async function startRegistry(port = 5000): Promise<Registry> {
  const result = await runCommand('bash', [join(SCRIPTS, 'registry.sh'), 'start', String(port)], { timeoutMs: 120_000 });
  if (result.exitCode !== 0) throw new Error(describeFailure(`scripts/docker/registry.sh start ${port}`, result));
  return { port, host: `127.0.0.1:${port}`, stop: () => stopRegistry(port) };
}

/** Stops the local registry on that port and deletes its storage. */
export async function stopRegistry(port = 5000): Promise<void> {
  const result = await runCommand('bash', [join(SCRIPTS, 'registry.sh'), 'stop', String(port)], { timeoutMs: 30_000 });
  if (result.exitCode !== 0) throw new Error(describeFailure(`scripts/docker/registry.sh stop ${port}`, result));
}

/** Whether the proxy drops a plain-HTTP connection: only the first failFirstN (counted from 0) are dropped. */
export function dropsConnection(httpConnectionIndex: number, failFirstN: number): boolean {
  return httpConnectionIndex < failFirstN;
}

/** A TLS connection starts with a handshake record (content type 22). */
export function startsTlsHandshake(firstBytes: Buffer): boolean {
  return firstBytes.length > 0 && firstBytes[0] === 0x16;
}

export interface FlakyRegistry extends Registry {
  /** Port of the real registry the proxy forwards to. */
  upstreamPort: number;
  /** Plain-HTTP connections dropped so far. */
  dropped(): number;
  /** Plain-HTTP connections forwarded so far. */
  forwarded(): number;
  /** TLS connections (always forwarded, never counted) so far. */
  tlsProbes(): number;
}

/**
 * A real registry behind a TCP proxy on 127.0.0.1:port that drops (TCP
 * reset) its first failFirstN plain-HTTP connections and forwards everything
 * else, for testing retries.
 *
 * Docker first tries HTTPS even with a 127.0.0.1 registry and falls back to
 * HTTP when that fails; those TLS probes are forwarded (and fail as they
 * always do) without being counted, so failFirstN = k makes the first k
 * `docker push`/`pull` attempts fail at their first request (measured: one
 * push attempt with both of its connections dropped fails in ~15 ms with
 * "connection reset by peer"). It counts connections, not requests: a client
 * keeps a connection alive for many requests.
 */
export async function startFlakyRegistry(port: number, failFirstN: number, upstreamPort?: number): Promise<FlakyRegistry> {
  if (!Number.isInteger(failFirstN) || failFirstN < 0) {
    throw new Error(`startFlakyRegistry: failFirstN must be a whole number >= 0, got ${failFirstN}`);
  }
  const upstream = await startRegistry(upstreamPort ?? (await freePort()));
  let httpSeen = 0;
  let dropped = 0;
  let forwarded = 0;
  let tlsProbes = 0;
  const open = new Set<Socket>();
  const track = (socket: Socket) => {
    open.add(socket);
    socket.on('close', () => open.delete(socket));
  };
  const forward = (client: Socket, firstBytes: Buffer) => {
    const target = connect(upstream.port, '127.0.0.1');
    track(target);
    target.on('error', () => client.destroy());
    client.on('close', () => target.destroy());
    target.on('close', () => client.destroy());
    target.write(firstBytes);
    client.pipe(target).pipe(client);
  };
  const server: Server = createServer((client) => {
    track(client);
    client.on('error', () => client.destroy());
    client.once('data', (firstBytes: Buffer) => {
      if (startsTlsHandshake(firstBytes)) {
        tlsProbes++;
        forward(client, firstBytes);
      } else if (dropsConnection(httpSeen++, failFirstN)) {
        dropped++;
        client.resetAndDestroy();
      } else {
        forwarded++;
        forward(client, firstBytes);
      }
    });
  });
  try {
    await new Promise<void>((resolvePromise, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolvePromise());
    });
  } catch (error) {
    await upstream.stop();
    throw new Error(`startFlakyRegistry: cannot listen on 127.0.0.1:${port}: ${(error as Error).message}`);
  }
  return {
    port,
    host: `127.0.0.1:${port}`,
    upstreamPort: upstream.port,
    dropped: () => dropped,
    forwarded: () => forwarded,
    tlsProbes: () => tlsProbes,
    async stop() {
      for (const socket of open) socket.destroy();
      await new Promise<void>((resolvePromise) => server.close(() => resolvePromise()));
      await upstream.stop();
    },
  };
}

/**
 * `docker run <args>`, returning its output and exit code. The container gets
 * a name (unless args name one) so that a timeout removes the container too,
 * not just the client.
 */
export async function dockerRun(args: readonly string[], options: CommandOptions = {}): Promise<CommandResult> {
  const given = containerNameIn(args);
  const name = given ?? `custom-otel-e2e-${randomBytes(6).toString('hex')}`;
  const fullArgs = given ? ['run', ...args] : ['run', '--name', name, ...args];
  const result = await runCommand('docker', fullArgs, options);
  if (result.timedOut) await runCommand('docker', ['rm', '--force', name], { timeoutMs: 30_000 });
  return result;
}

/** The value of --name in `docker run` options, if any (before the image: options only). */
export function containerNameIn(args: readonly string[]): string | undefined {
  for (const [index, arg] of args.entries()) {
    if (arg === '--name') return args[index + 1];
    if (arg.startsWith('--name=')) return arg.slice('--name='.length);
  }
  return undefined;
}
