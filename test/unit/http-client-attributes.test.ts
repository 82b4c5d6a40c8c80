/**
 * The client attributes recovered from a ClientRequest
 * (src/instrumentations/http-client-attributes.ts) against those the 3.x
 * line's instrumentation-http computes from the options themselves (its own
 * utils module, from the line's lockfile, called as its outgoing patch calls
 * them): one table of the ways an app names a request, each made into a real
 * ClientRequest (an agent that connects nowhere), and the known differences
 * named where they are.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as http from 'node:http';
import * as https from 'node:https';
import { dirname, join } from 'node:path';
import { sdkLineRequire } from '../support/sdk-line-packages';
import {
  clientMetricAttributes,
  clientStartAttributes,
  clientTarget,
  DEFAULT_REDACTED_QUERY_PARAMS,
  redactedPath,
  responseAttributes,
  responseOutcome,
  withResponseMetricAttributes,
  type ResponseFacts,
} from '../../src/instrumentations/http-client-attributes';

type Attributes = Record<string, unknown>;
interface UpstreamUtils {
  isURLLike(value: unknown): boolean;
  getRequestInfo(logger: unknown, options: unknown, extra?: unknown): { optionsParsed: Attributes };
  extractHostnameAndPort(options: Attributes): { hostname: string; port: string | number };
  getOutgoingRequestAttributes(options: Attributes, info: Record<string, unknown>, synthetic: boolean): Attributes;
  getOutgoingRequestAttributesOnResponse(response: unknown): Attributes;
  getOutgoingStableRequestMetricAttributesOnResponse(attributes: Attributes): Attributes;
  parseResponseStatus(kind: number, statusCode: unknown): number;
  parseErrorType(kind: number, statusCode: unknown): string | undefined;
}
const CLIENT = 2;
const quiet = { verbose: () => undefined, debug: () => undefined };

let utils: UpstreamUtils;
beforeAll(async () => {
  const lineRequire = await sdkLineRequire('3.x');
  utils = lineRequire(join(dirname(lineRequire.resolve('@opentelemetry/instrumentation-http')), 'utils.cjs'));
}, 5 * 60_000);

type Call = [input: string | URL | Attributes, options?: Attributes];
/** What upstream's patched http.request/https.request computes before calling Node. */
function upstream(component: 'http' | 'https', [input, options]: Call): { name: string; attributes: Attributes; metric: Attributes } {
  let given: unknown = input;
  if (component === 'https' && typeof given === 'object' && (given as object).constructor?.name !== 'URL') {
    given = { ...(given as Attributes) };
    (given as Attributes).protocol ||= 'https:';
    (given as Attributes).port ||= 443;
  }
  const extra = options !== undefined && (typeof given === 'string' || utils.isURLLike(given)) ? options : undefined;
  const { optionsParsed } = utils.getRequestInfo(quiet, given, extra);
  const { hostname, port } = utils.extractHostnameAndPort(optionsParsed);
  const attributes = utils.getOutgoingRequestAttributes(optionsParsed, { component, port, hostname, hookAttributes: undefined, redactedQueryParams: undefined }, false);
  const method = typeof optionsParsed.method === 'string' ? optionsParsed.method.toUpperCase() : 'GET';
  return {
    name: method,
    attributes,
    metric: { 'http.request.method': attributes['http.request.method'], 'server.address': attributes['server.address'], 'server.port': attributes['server.port'] },
  };
}

/** An agent that takes the request and connects nowhere. */
const nowhere = (protocol: string, defaultPort: number) => ({ protocol, defaultPort, addRequest: () => undefined }) as unknown as http.Agent;

/** Ours: the request Node makes of the same call, read as the channel's subscriber reads it. */
function ours(component: 'http' | 'https', [input, options]: Call): { name: string; attributes: Attributes; metric: Attributes } {
  const agent = component === 'https' ? nowhere('https:', 443) : nowhere('http:', 80);
  const request = (component === 'https' ? https.request : http.request) as (...args: unknown[]) => http.ClientRequest;
  const plainOptions = typeof input === 'object' && !(input instanceof URL);
  const req = plainOptions ? request({ ...input, agent }) : request(input, { ...options, agent });
  const target = clientTarget({
    method: req.method,
    protocol: req.protocol,
    host: req.host,
    path: req.path,
    hostHeader: req.getHeader('host'),
    rawHeaderNames: req.getRawHeaderNames(),
    userAgent: req.getHeader('user-agent'),
    authorization: req.getHeader('authorization'),
  });
  req.destroy();
  return { name: req.method, attributes: clientStartAttributes(req, target, DEFAULT_REDACTED_QUERY_PARAMS), metric: clientMetricAttributes(req.method, target) };
}

const SAME: Array<[string, 'http' | 'https', Call]> = [
  ['a URL string', 'http', ['http://example.test/a?b=1']],
  ['a URL string with a port', 'http', ['http://example.test:8080/p']],
  ['a URL string with the default port written', 'http', ['http://example.test:80/p']],
  ['an https URL string', 'https', ['https://example.test/p']],
  ['an https URL string with a port', 'https', ['https://example.test:8443/p']],
  ['a URL object', 'http', [new URL('http://example.test:8080/x?y=2')]],
  ['options with hostname and port', 'http', [{ hostname: 'example.test', port: 8080, path: '/x' }]],
  ['options with host and port', 'http', [{ host: 'example.test', port: 8080, path: '/x' }]],
  ['options with a string port', 'http', [{ hostname: 'example.test', port: '8080', path: '/x' }]],
  ['options without a port', 'http', [{ hostname: 'example.test', path: '/x' }]],
  ['options without a path', 'http', [{ hostname: 'example.test', port: 8080 }]],
  ['https options without a port', 'https', [{ hostname: 'example.test', path: '/x' }]],
  ['https options with a port', 'https', [{ hostname: 'example.test', port: 8443, path: '/x' }]],
  ['credentials in options', 'http', [{ hostname: 'example.test', port: 8080, path: '/x', auth: 'user:secret' }]],
  ['credentials in a URL string', 'http', ['http://user:secret@example.test:8080/x']],
  ['credentials in a URL object', 'http', [new URL('http://user:secret@example.test:8080/x')]],
  ['a user only in the URL', 'http', ['http://user@example.test/x']],
  ["the app's own Basic Authorization header", 'http', [{ hostname: 'example.test', path: '/x', headers: { Authorization: 'Basic dXNlcjpzZWNyZXQ=' } }]],
  ["the app's own Bearer token", 'http', ['http://example.test/x', { headers: { authorization: 'Bearer t' } }]],
  ['a user-agent key spelled so', 'http', [{ hostname: 'example.test', path: '/x', headers: { 'user-agent': 'app/1' } }]],
  ['a User-Agent key (upstream reads no other spelling)', 'http', [{ hostname: 'example.test', path: '/x', headers: { 'User-Agent': 'app/1' } }]],
  ['a URL string and options', 'http', ['http://example.test/x', { method: 'POST', headers: { 'user-agent': 'app/1' } }]],
  ['a URL object and options', 'http', [new URL('http://example.test:8080/x'), { method: 'PUT' }]],
  ['a method it knows', 'http', [{ hostname: 'example.test', path: '/x', method: 'PATCH' }]],
  ['a method it does not know', 'http', [{ hostname: 'example.test', path: '/x', method: 'PURGE' }]],
  ['secret query parameters', 'http', ['http://example.test/x?sig=1&AWSAccessKeyId=2&X-Amz-Credential=3&keep=a%20b']],
  ['a path with dot segments and a query', 'http', [{ hostname: 'example.test', path: '/a/../b?sig=1' }]],
  ['a path with dot segments and no query (left as it is)', 'http', [{ hostname: 'example.test', path: '/a/../b' }]],
  ['a Unix socket', 'http', [{ socketPath: '/run/app.sock', path: '/v1/x' }]],
  ['an IPv6 literal in a URL string', 'http', ['http://[::1]:8080/x']],
  ['an IPv6 literal in a URL string, default port', 'http', ['http://[::1]/x']],
];

describe('client attributes: the same as upstream computes from the options', () => {
  it.each(SAME)('%s', (_case, component, call) => {
    expect(ours(component, call)).toEqual(upstream(component, call));
  });
});

/** Where Node keeps too little of the options: named, with what differs. */
const KNOWN: Array<[string, 'http' | 'https', Call, Attributes]> = [
  ['a lower-case method (Node sends it upper-cased): no http.request.method_original', 'http', [{ hostname: 'example.test', path: '/x', method: 'post' }], { 'http.request.method_original': 'post' }],
  ['an IPv6 literal in a URL object: written as Node sends it', 'http', [new URL('http://[::1]:8080/x')], { 'url.full': 'http://::1/x' }],
  ["a Host header of the app's own: the port is the scheme's", 'http', [{ hostname: 'example.test', port: 8080, path: '/x', headers: { host: 'other.test' } }], { 'server.port': 8080, 'url.full': 'http://example.test:8080/x' }],
];

describe('client attributes: the known differences, and only those', () => {
  it.each(KNOWN)('%s', (_case, component, call, upstreamOnly) => {
    const mine = ours(component, call);
    const theirs = upstream(component, call);
    const differing = Object.fromEntries(Object.entries(theirs.attributes).filter(([key, value]) => mine.attributes[key] !== value));
    expect(differing).toEqual(upstreamOnly);
  });
});

describe('clientTarget', () => {
  const request = { method: 'GET', protocol: 'http:', host: 'example.test', path: '/x', hostHeader: 'example.test:8080', rawHeaderNames: ['Host'], userAgent: undefined, authorization: undefined };
  it("takes back the path Node's environment proxy put in absolute form", () => {
    const proxied = { ...request, path: 'http://example.test:8080/x', rawHeaderNames: ['Host', 'proxy-connection'] };
    expect(clientTarget(proxied).path).toBe('/x');
    // An absolute path of the app's own (a proxy it speaks to itself) stays as upstream sees it.
    expect(clientTarget({ ...proxied, rawHeaderNames: ['Host'] }).path).toBe('http://example.test:8080/x');
  });
  it('reads the port from a Host header that names the host, whatever its case, and only such a one', () => {
    expect(clientTarget({ ...request, hostHeader: 'EXAMPLE.test:8080' })).toMatchObject({ port: 8080, portGiven: true });
    expect(clientTarget({ ...request, hostHeader: 'example.test' })).toMatchObject({ port: 80, portGiven: false });
    expect(clientTarget({ ...request, hostHeader: 'other.test:9090' })).toMatchObject({ port: 80, portGiven: false });
    expect(clientTarget({ ...request, hostHeader: undefined, protocol: 'https:' })).toMatchObject({ port: 443, portGiven: false });
    expect(clientTarget({ ...request, host: '::1', hostHeader: '[::1]:8080' })).toMatchObject({ port: 8080, portGiven: true });
  });
  it("takes credentials from Node's Authorization header only: the last one, Basic", () => {
    expect(clientTarget({ ...request, rawHeaderNames: ['Host', 'Authorization'], authorization: 'Basic dTpw' }).credentials).toBe(true);
    expect(clientTarget({ ...request, rawHeaderNames: ['Authorization', 'Host'], authorization: 'Basic dTpw' }).credentials).toBe(false);
    expect(clientTarget({ ...request, rawHeaderNames: ['Host', 'authorization'], authorization: 'Basic dTpw' }).credentials).toBe(false);
    expect(clientTarget({ ...request, rawHeaderNames: ['Host', 'Authorization'], authorization: 'Bearer t' }).credentials).toBe(false);
  });
});

describe('redactedPath', () => {
  it('leaves a path without a query as it is, re-encodes one with a query as URLSearchParams does', () => {
    expect(redactedPath('/a%20b', ['sig'])).toBe('/a%20b');
    expect(redactedPath('/a?x=a%20b&sig=1&sig=2', ['sig'])).toBe('/a?x=a+b&sig=REDACTED');
    expect(redactedPath('/a?x=1', [])).toBe('/a?x=1');
  });
});

describe('response attributes and outcome: the same as upstream', () => {
  const socket = { remoteAddress: '10.0.0.7', remotePort: 8080 };
  const RESPONSES: Array<ResponseFacts & { aborted?: boolean; complete?: boolean }> = [
    { statusCode: 200, httpVersion: '1.1', socket, complete: true },
    { statusCode: 204, httpVersion: '1.0', socket, complete: true },
    { statusCode: 304, httpVersion: '1.1', socket, complete: true },
    { statusCode: 399, httpVersion: '1.1', socket, complete: true },
    { statusCode: 400, httpVersion: '1.1', socket, complete: true },
    { statusCode: 404, httpVersion: '1.1', socket: null, complete: true },
    { statusCode: 500, httpVersion: '1.1', socket, complete: true },
    { statusCode: 599, httpVersion: '1.1', socket, complete: true },
    { statusCode: 600, httpVersion: '1.1', socket, complete: true },
    { statusCode: 99, httpVersion: '1.1', socket, complete: true },
    { statusCode: 200, httpVersion: '1.1', socket, aborted: true, complete: false },
    { statusCode: 503, httpVersion: '1.1', socket, aborted: true, complete: false },
    { statusCode: 200, httpVersion: '1.1', socket, aborted: true, complete: true },
  ];
  it.each(RESPONSES)('%o', (response) => {
    const theirs = utils.getOutgoingRequestAttributesOnResponse(response);
    expect(responseAttributes(response)).toEqual(theirs);
    const start = { 'http.request.method': 'GET', 'server.address': 'example.test', 'server.port': 80 };
    expect(withResponseMetricAttributes({ ...start }, response)).toEqual(Object.assign({ ...start }, utils.getOutgoingStableRequestMetricAttributesOnResponse(theirs)));
    // Upstream's end of a client span whose response ended (its 'end' listener).
    const cutShort = response.aborted && !response.complete;
    expect(responseOutcome(response)).toEqual({
      error: cutShort || utils.parseResponseStatus(CLIENT, response.statusCode) === 2,
      errorType: cutShort ? undefined : utils.parseErrorType(CLIENT, response.statusCode),
    });
  });
});
