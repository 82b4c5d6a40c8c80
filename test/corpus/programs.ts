/**
 * The corpus: real programs from npm that nobody here wrote, each with the
 * command that starts it, the requests it answers and what it covers. Every
 * one runs bare and under our tree on the oldest and the newest Node major it
 * supports (within the majors we ship), with the same requests.
 *
 * Paths in `command` are relative to test/corpus/programs (where the
 * programs are installed from their lockfile). `node` is the runtime's node.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const CORPUS_DIR = __dirname;
export const PROGRAMS_DIR = join(__dirname, 'programs');
export const SITE_DIR = join(__dirname, 'site');
/** Launchers sit beside the programs so that they resolve the installed packages. */
export const LAUNCHERS_DIR = join(__dirname, 'programs', 'launchers');

export interface CorpusRequest {
  method?: 'GET' | 'POST';
  path: string;
  body?: string;
  headers?: Record<string, string>;
  /** A WebSocket exchange on this path instead of an HTTP request: the first message the server sends. */
  websocket?: true;
}

export interface CorpusProgram {
  /** Short id, used in test names and service names. */
  id: string;
  /** The npm package(s) whose code runs; the README lists them with their installed versions. */
  packages: string[];
  covers: string;
  /** Oldest and newest Node major it runs on (within the shipped majors). */
  majors: [number, number];
  /** Arguments after `node` (and a port). `npm` as the first argument runs the runtime's npm. */
  command(port: number): string[];
  /** Working directory, relative to PROGRAMS_DIR. */
  cwd?: string;
  env?: Record<string, string>;
  requests: CorpusRequest[];
  /**
   * Its stdout once it is ready, awaited after its port accepts: the first
   * worker of a cluster may listen while the others still start.
   */
  readyWhen?: (stdout: string) => boolean;
  /** Node processes that load our tree (a parent that spawns node children counts them). */
  processes?: number;
  /** No published program: a launcher of a package's documented entry. */
  launcher?: true;
  /** It also listens on a fixed port of its own: its cases run one at a time. */
  fixedPort?: number;
  /**
   * Cases where the app itself never gets the signal, so nothing of ours runs
   * between the last answer and the kill: the span requirement cannot be met
   * by any agent in the process and is not asserted there (every other one is).
   */
  signalNeverReachesApp?: { major: number; signal: 'SIGTERM' | 'SIGINT'; why: string };
}

const SITE = SITE_DIR;
const HTTP_SERVER = 'node_modules/http-server/bin/http-server';
const staticRequests: CorpusRequest[] = [{ path: '/hello.txt' }, { path: '/index.html' }, { path: '/missing.txt' }];

export const PROGRAMS: CorpusProgram[] = [
  {
    id: 'http-server',
    packages: ['http-server'],
    covers: 'plain node:http, CommonJS; its own SIGINT/SIGTERM handlers end with process.exit()',
    majors: [14, 26],
    command: (port) => [HTTP_SERVER, SITE, '-p', String(port), '-a', '127.0.0.1', '-c-1'],
    requests: staticRequests,
  },
  {
    id: 'serve',
    packages: ['serve'],
    covers: 'node:http (serve-handler), ESM; its own SIGINT/SIGTERM handlers end with process.exit()',
    majors: [14, 26],
    command: (port) => ['node_modules/serve/build/main.js', '-l', `tcp://127.0.0.1:${port}`, '--no-clipboard', SITE],
    // Otherwise serve asks the npm registry for a newer version at start.
    env: { NO_UPDATE_CHECK: '1' },
    requests: staticRequests,
  },
  {
    id: 'json-server',
    packages: ['json-server'],
    covers: 'Express 4, CommonJS; no signal handler of its own',
    majors: [14, 26],
    command: (port) => ['node_modules/json-server/lib/cli/bin.js', '--port', String(port), '--host', '127.0.0.1', '--read-only', join(SITE, 'db.json')],
    // Otherwise update-notifier spawns a child that asks the npm registry.
    env: { NO_UPDATE_NOTIFIER: '1' },
    requests: [{ path: '/posts' }, { path: '/posts/2' }, { path: '/posts?author=ada' }, { path: '/profile' }, { path: '/comments' }],
  },
  {
    id: 'json-graphql-server',
    packages: ['json-graphql-server'],
    covers: 'a GraphQL server on Express 5, CommonJS',
    majors: [20, 26],
    command: (port) => ['node_modules/json-graphql-server/bin/json-graphql-server.cjs', join(SITE, 'graphql-data.cjs'), '--port', String(port), '--host', '127.0.0.1'],
    requests: [
      graphql('{ allPosts(sortField: "id") { id title views User { name } } }'),
      graphql('{ Post(id: 2) { title } }'),
      graphql('{ nothing }'),
    ],
  },
  {
    id: 'local-web-server',
    packages: ['local-web-server'],
    covers: 'Koa (lws), ESM',
    majors: [14, 26],
    command: (port) => ['node_modules/local-web-server/bin/cli.js', '--port', String(port), '--hostname', '127.0.0.1', '--directory', SITE],
    requests: staticRequests,
  },
  {
    id: 'fastify-cli',
    packages: ['fastify-cli', '@fastify/autoload', '@fastify/sensible'],
    covers: "Fastify 5: fastify-cli starting the app template it publishes (autoloaded plugins and routes)",
    majors: [20, 26],
    command: (port) => ['node_modules/fastify-cli/cli.js', 'start', '-a', '127.0.0.1', '-p', String(port), 'node_modules/fastify-cli/templates/app/app.js'],
    requests: [{ path: '/' }, { path: '/example' }, { path: '/nothing' }],
  },
  {
    id: 'peer',
    packages: ['peer'],
    covers: 'a WebSocket server (ws) on Express 4, ESM; its own SIGINT/SIGTERM handlers close the server, then process.exit(0)',
    majors: [14, 26],
    command: (port) => ['node_modules/peer/dist/bin/peerjs.js', '--port', String(port), '--host', '127.0.0.1'],
    requests: [{ path: '/' }, { path: '/peerjs/id' }, { path: '/peerjs?key=peerjs&id=corpus-peer&token=t1', websocket: true }, { path: '/peerjs/peers' }],
  },
  {
    id: 'c8-http-server',
    packages: ['c8', 'http-server'],
    covers: 'signal-exit (v4, through foreground-child) in a parent that runs a node child loading our tree again',
    majors: [18, 26],
    command: (port) => ['node_modules/c8/bin/c8.js', '--reporter=none', '--temp-directory', join(tmpdir(), `corpus-c8-${port}`), 'node', HTTP_SERVER, SITE, '-p', String(port), '-a', '127.0.0.1', '-c-1'],
    requests: staticRequests,
    processes: 2,
  },
  {
    id: 'npm-start',
    packages: ['http-server'],
    covers: "an npm script: `npm start` in http-server's own package (npm, sh, then a node child loading our tree again)",
    majors: [14, 26],
    command: (port) => ['npm', 'start', '--', SITE, '-p', String(port), '-a', '127.0.0.1', '-c-1'],
    cwd: 'node_modules/http-server',
    requests: staticRequests,
    processes: 2,
    signalNeverReachesApp: {
      major: 26,
      signal: 'SIGTERM',
      why: "npm 11 passes SIGTERM to `sh -c`, which dies without passing it on; npm exits by the signal and the app, never signalled, is killed with its process group (as a container's end does)",
    },
  },
  {
    id: 'hapi',
    packages: ['@hapi/hapi'],
    covers: "hapi, CommonJS: launcher of hapi's documented start-up (test/corpus/programs/launchers/hapi-server.cjs)",
    majors: [14, 26],
    command: () => [join(LAUNCHERS_DIR, 'hapi-server.cjs')],
    requests: [{ path: '/' }, { path: '/users/ada' }, { path: '/nothing' }],
    launcher: true,
  },
  {
    id: 'nestjs',
    packages: ['@nestjs/core', '@nestjs/common', '@nestjs/platform-express'],
    covers: "NestJS 11 on Express 5: launcher of Nest's documented entry (test/corpus/programs/launchers/nest-server.cjs)",
    majors: [20, 26],
    command: () => [join(LAUNCHERS_DIR, 'nest-server.cjs')],
    requests: [{ path: '/' }, { path: '/cats/7' }, { path: '/nothing' }],
    launcher: true,
  },
  {
    id: 'throng-cluster',
    packages: ['throng', 'http-server'],
    covers: 'cluster workers (throng as the primary, with its own signal handlers; http-server in each worker): test/corpus/programs/launchers/throng-cluster.cjs',
    majors: [14, 26],
    command: () => [join(LAUNCHERS_DIR, 'throng-cluster.cjs')],
    env: { SITE },
    requests: staticRequests,
    // A signal while a worker still asks the primary for its listening handle crashes
    // the primary (write EPIPE in Node's cluster module, bare as well): a rollout's
    // signal comes after start-up, so the run waits for both workers.
    readyWhen: (stdout) => (stdout.match(/^worker \d+ listening$/gm) ?? []).length >= 2,
    processes: 3,
    launcher: true,
  },
  {
    id: 'bree-worker',
    packages: ['bree'],
    covers: 'a job worker: bree running each job in a worker thread, one job per request (test/corpus/programs/launchers/bree-worker.cjs)',
    majors: [14, 26],
    command: () => [join(LAUNCHERS_DIR, 'bree-worker.cjs')],
    requests: [{ path: '/jobs/checksum?text=ada' }, { path: '/jobs/checksum?text=grace' }, { path: '/jobs/none' }],
    launcher: true,
  },
  {
    id: 'own-otel-sdk',
    packages: ['@opentelemetry/auto-instrumentations-node', 'http-server'],
    covers: "a program that carries its own OpenTelemetry SDK: http-server under upstream's `--require @opentelemetry/auto-instrumentations-node/register`",
    majors: [18, 26],
    command: (port) => ['--require', '@opentelemetry/auto-instrumentations-node/register', HTTP_SERVER, SITE, '-p', String(port), '-a', '127.0.0.1', '-c-1'],
    // Local detectors only: upstream's register would otherwise probe cloud metadata addresses.
    env: { OTEL_NODE_RESOURCE_DETECTORS: 'env,host,os,process' },
    requests: staticRequests,
  },
  {
    id: 'marp-server',
    packages: ['@marp-team/marp-cli'],
    covers: "Marp CLI's server mode (its bin ends with process.exit() in an 'exit' listener; bundled Express and ws)",
    majors: [18, 26],
    command: () => ['node_modules/@marp-team/marp-cli/marp-cli.js', '--server', SITE],
    // Its live-reload WebSocket server.
    fixedPort: 37717,
    requests: [{ path: '/deck.md' }, { path: '/hello.txt' }, { path: '/nothing.md' }],
  },
];

function graphql(query: string): CorpusRequest {
  return { method: 'POST', path: '/', body: JSON.stringify({ query }), headers: { 'content-type': 'application/json' } };
}
