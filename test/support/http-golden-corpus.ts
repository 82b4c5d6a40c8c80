/**
 * The corpus of the HTTP server golden test (http-server-golden.ts): the
 * requests sent to the app of test/fixtures/http-golden, each with what the
 * client must see and the spans it must export, keyed by spanKey.
 */
import { Agent, request, type OutgoingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import type { ReceivedSpan } from './otlp-receiver';

/** The incoming parents the corpus sends: the same ids to both runs, so the spans must name them. */
export const GIVEN_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
export const GIVEN_PARENT = '00f067aa0ba902b7';
const UNSAMPLED_TRACE = '5cf92f3577b34da6a3ce929d0e0e4737';

/** ::1 on a loopback interface means the machine has IPv6, and the app must be reachable there. */
export const HAS_IPV6_LOOPBACK = Object.values(networkInterfaces()).some((list) => list?.some((i) => i.address === '::1'));

export interface Target {
  port: number;
  /** The app's port on ::1, when it listens there. */
  port6: number | undefined;
  stdout: () => string;
}

interface Sent {
  method?: string;
  path: string;
  headers?: OutgoingHttpHeaders;
  body?: string;
  host?: string;
  port?: number;
  agent?: Agent | false;
}

/** What the client saw: the status, or the error that ended the request. */
function send(target: Target, sent: Sent): Promise<{ outcome: string; reused: boolean }> {
  return new Promise((resolve) => {
    const req = request(
      {
        host: sent.host ?? '127.0.0.1',
        port: sent.port ?? target.port,
        method: sent.method ?? 'GET',
        path: sent.path,
        headers: sent.headers,
        // A connection per request unless the case says otherwise: the global agent keeps connections alive.
        agent: sent.agent ?? false,
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ outcome: String(res.statusCode), reused: req.reusedSocket }));
      },
    );
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ outcome: `error ${error.code ?? error.message}`, reused: req.reusedSocket }));
    req.setTimeout(10_000, () => req.destroy(new Error(`${sent.path} got no answer`)));
    if (sent.headers?.expect === '100-continue') req.on('continue', () => req.end(sent.body));
    else req.end(sent.body);
  });
}

/** Writes `text` on one raw connection and returns everything the app answered until it closed. */
function raw(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    // Not half-closed: the app closes the connection once it has answered (Connection: close, HTTP/1.0).
    const socket = connect(port, '127.0.0.1', () => socket.write(text));
    let answer = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
  });
}

/** The status of each response in a raw answer (a response follows the previous body directly). */
const statusLines = (answer: string) => [...answer.matchAll(/HTTP\/1\.[01] (\d{3}) /g)].map((m) => m[1]).join(' ');

async function until(predicate: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (predicate()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`gave up waiting for ${what}`);
}

export interface Case {
  what: string;
  /** The spans it must export, each by its key (see spanKey); none for a request the instrumentation does not trace. */
  spans: string[];
  /** Reaches a 'request' listener untraced (its parent is not sampled): only its duration point shows it. */
  unsampled?: true;
  /** What the client sees, as the app is written to answer. */
  outcome: string;
  send(target: Target): Promise<string>;
}

const get = (path: string, headers?: OutgoingHttpHeaders) => async (target: Target) => (await send(target, { path, headers })).outcome;

export const CORPUS: Case[] = [
  { what: 'GET', spans: ['SERVER /plain/ok/get'], outcome: '200', send: get('/plain/ok/get') },
  { what: 'POST with a body', spans: ['SERVER /plain/echo/post'], outcome: '200', send: async (t) => (await send(t, { method: 'POST', path: '/plain/echo/post', headers: { 'content-type': 'text/plain' }, body: 'hello' })).outcome },
  { what: 'HEAD', spans: ['SERVER /plain/ok/head'], outcome: '200', send: async (t) => (await send(t, { method: 'HEAD', path: '/plain/ok/head' })).outcome },
  { what: 'OPTIONS', spans: ['SERVER /plain/ok/options'], outcome: '200', send: async (t) => (await send(t, { method: 'OPTIONS', path: '/plain/ok/options' })).outcome },
  { what: 'an unknown method (_OTHER)', spans: ['SERVER /plain/ok/purge'], outcome: '200', send: async (t) => (await send(t, { method: 'PURGE', path: '/plain/ok/purge' })).outcome },
  {
    what: 'Expect: 100-continue (no checkContinue listener, so Node answers 100 and emits request)',
    spans: ['SERVER /plain/echo/continue'],
    outcome: '200',
    send: async (t) => (await send(t, { method: 'POST', path: '/plain/echo/continue', headers: { expect: '100-continue' }, body: 'after continue' })).outcome,
  },
  { what: '301', spans: ['SERVER /plain/status/301'], outcome: '301', send: get('/plain/status/301') },
  { what: '404', spans: ['SERVER /plain/status/404'], outcome: '404', send: get('/plain/status/404') },
  { what: '500', spans: ['SERVER /plain/status/500'], outcome: '500', send: get('/plain/status/500') },
  { what: '503', spans: ['SERVER /plain/status/503'], outcome: '503', send: get('/plain/status/503') },
  { what: 'a request listener that throws synchronously', spans: ['SERVER /plain/throw/sync'], outcome: '500', send: get('/plain/throw/sync') },
  { what: 'a tick the request listener queued throws', spans: ['SERVER /plain/throwtick/later'], outcome: '500', send: get('/plain/throwtick/later') },
  { what: 'res.destroy(error)', spans: ['SERVER /plain/destroy/boom'], outcome: 'error ECONNRESET', send: get('/plain/destroy/boom') },
  { what: 'an Express handler that throws (Express answers 500)', spans: ['SERVER /express/fail'], outcome: '500', send: get('/express/fail') },
  { what: 'an Express route', spans: ['SERVER /users/42'], outcome: '200', send: get('/users/42') },
  { what: "Express's 404", spans: ['SERVER /express/nowhere'], outcome: '404', send: get('/express/nowhere') },
  {
    what: 'a request the client aborts before the response',
    spans: ['SERVER /plain/hang/abort'],
    outcome: 'aborted',
    send: (target) =>
      new Promise((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port: target.port, path: '/plain/hang/abort', agent: false });
        req.on('error', () => undefined);
        req.on('close', () => resolve('aborted'));
        req.end();
        // Aborted once the handler has the request (the app says so), not after some delay.
        until(() => target.stdout().includes('HANDLING /plain/hang/abort'), 'the app to receive the request').then(() => req.destroy(), reject);
      }),
  },
  { what: 'a socket the server times out (req.setTimeout, no listener)', spans: ['SERVER /plain/timeout/socket'], outcome: 'error ECONNRESET', send: get('/plain/timeout/socket') },
  {
    what: 'keep-alive: three requests on one agent connection',
    spans: ['SERVER /plain/ok/keepalive-1', 'SERVER /plain/ok/keepalive-2', 'SERVER /plain/ok/keepalive-3'],
    outcome: '200 200 200, reused false true true',
    send: async (target) => {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      try {
        const answers = [];
        for (const n of [1, 2, 3]) answers.push(await send(target, { path: `/plain/ok/keepalive-${n}`, agent }));
        return `${answers.map((a) => a.outcome).join(' ')}, reused ${answers.map((a) => a.reused).join(' ')}`;
      } finally {
        agent.destroy();
      }
    },
  },
  {
    what: 'pipelining: two requests written at once on one connection',
    spans: ['SERVER /plain/ok/pipelined-1', 'SERVER /plain/ok/pipelined-2'],
    outcome: '200 200',
    send: async (target) =>
      statusLines(
        await raw(
          target.port,
          `GET /plain/ok/pipelined-1 HTTP/1.1\r\nHost: 127.0.0.1:${target.port}\r\n\r\n` +
            `GET /plain/ok/pipelined-2 HTTP/1.1\r\nHost: 127.0.0.1:${target.port}\r\nConnection: close\r\n\r\n`,
        ),
      ),
  },
  {
    what: 'HTTP/1.0 without a Host header',
    spans: ['SERVER /plain/ok/http10'],
    outcome: '200',
    send: async (target) => statusLines(await raw(target.port, 'GET /plain/ok/http10 HTTP/1.0\r\n\r\n')),
  },
  ...(HAS_IPV6_LOOPBACK
    ? [
        {
          what: 'an IPv6 peer',
          spans: ['SERVER /plain/ok/ipv6'],
          outcome: '200',
          send: async (target: Target) => (await send(target, { host: '::1', port: target.port6, path: '/plain/ok/ipv6' })).outcome,
        },
      ]
    : []),
  {
    what: 'a query string with parameters instrumentation-http redacts, and one we redact',
    spans: ['SERVER /plain/ok/query'],
    outcome: '200',
    send: get('/plain/ok/query?sig=s1&X-Goog-Signature=g2&AWSAccessKeyId=a3&Signature=s4&X-Amz-Signature=z5&page=2&token=t6'),
  },
  {
    what: 'captured request headers (authorization redacted by us)',
    spans: ['SERVER /plain/ok/headers'],
    outcome: '200',
    send: get('/plain/ok/headers', { 'x-custom': ['one', 'two'], authorization: 'Bearer golden-secret', 'x-not-captured': 'no' }),
  },
  { what: 'a user agent', spans: ['SERVER /plain/ok/user-agent'], outcome: '200', send: get('/plain/ok/user-agent', { 'user-agent': 'golden-client/1.0 (+https://example.com)' }) },
  {
    what: 'a sampled W3C traceparent with tracestate and baggage (the span continues it)',
    spans: ['SERVER /plain/ok/traceparent'],
    outcome: '200',
    send: get('/plain/ok/traceparent', { traceparent: `00-${GIVEN_TRACE}-${GIVEN_PARENT}-01`, tracestate: 'vendor=golden', baggage: 'tenant=blue,other=x' }),
  },
  {
    // Only its http.server.request.duration point shows it.
    what: 'an unsampled traceparent (no span)',
    spans: [],
    unsampled: true,
    outcome: '200',
    send: get('/plain/ok/unsampled', { traceparent: `00-${UNSAMPLED_TRACE}-${GIVEN_PARENT}-00` }),
  },
  {
    // Its point carries the route the Express hooks found, as a sampled request's does.
    what: 'an unsampled traceparent on an Express route (no span)',
    spans: [],
    unsampled: true,
    outcome: '200',
    send: get('/users/43', { traceparent: `00-${UNSAMPLED_TRACE}-${GIVEN_PARENT}-00` }),
  },
  {
    what: 'Forwarded (client and host from it)',
    spans: ['SERVER /plain/ok/forwarded'],
    outcome: '200',
    send: get('/plain/ok/forwarded', { forwarded: 'for="[2001:db8:cafe::17]:4711";proto=https;host=api.example.com, for=198.51.100.7' }),
  },
  {
    what: 'X-Forwarded-For, X-Forwarded-Host and X-Forwarded-Proto',
    spans: ['SERVER /plain/ok/x-forwarded'],
    outcome: '200',
    send: get('/plain/ok/x-forwarded', { 'x-forwarded-for': '203.0.113.9:5555, 10.0.0.1', 'x-forwarded-host': 'shop.example.com:8443', 'x-forwarded-proto': 'https' }),
  },
  { what: 'a Host header with a port', spans: ['SERVER /plain/ok/host'], outcome: '200', send: get('/plain/ok/host', { host: 'www.example.com:8080' }) },
  {
    what: 'the active span in the handler after an asynchronous hop',
    spans: ['SERVER /plain/enrich/active'],
    outcome: '200',
    send: get('/plain/enrich/active'),
  },
  {
    what: 'an outbound call from the handler (client span, and the inner request, in the same trace)',
    spans: ['SERVER /plain/chain/outer', 'CLIENT /plain/ok/chained', 'SERVER /plain/ok/chained'],
    outcome: '200',
    send: get('/plain/chain/outer'),
  },
  {
    // 'upgrade' is emitted instead of 'request': instrumentation-http traces nothing.
    what: 'an upgrade handled by an upgrade listener (no span)',
    spans: [],
    outcome: '101',
    send: (target) =>
      new Promise((resolve) => {
        const req = request({ host: '127.0.0.1', port: target.port, path: '/plain/ok/upgrade', agent: false, headers: { connection: 'Upgrade', upgrade: 'golden' } });
        req.on('upgrade', (res, socket) => {
          socket.destroy();
          resolve(String(res.statusCode));
        });
        req.on('response', (res) => resolve(`not upgraded: ${res.statusCode}`));
        req.on('error', (error: NodeJS.ErrnoException) => resolve(`error ${error.code}`));
        req.end();
      }),
  },
];

/** A span's identity across runs: its kind and its request's path. */
export function spanKey(span: ReceivedSpan): string {
  if (span.kind === 'CLIENT') return `CLIENT ${new URL(String(span.attributes['url.full'])).pathname}`;
  return `${span.kind} ${String(span.attributes['url.path'])}`;
}
