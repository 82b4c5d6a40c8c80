/**
 * The attributes instrumentation-http gives an outbound request's span and
 * its http.client.request.duration metric, made from the ClientRequest that
 * `http.client.request.created` hands over and its response (pure).
 *
 * Upstream computes its client attributes from the options passed to
 * http.request before Node sees them; by the time the channel publishes,
 * Node has turned those options into the request, and only what Node kept
 * can be read back: the method (upper-cased), protocol, host, path and the
 * headers it set. From those, the same values are recovered:
 * - server.port: Node writes the Host header as `<host>[:<port>]`, the port
 *   left out when it is the default one; a Host header the app set itself
 *   (another name) says nothing of the port, which is then the scheme's
 *   default, as upstream's when no port was given;
 * - credentials: Node adds `Authorization: Basic …` last, after the app's
 *   headers and its own Host, only when the URL or `auth` carried them and the
 *   app set no Authorization header; that is when upstream writes
 *   `REDACTED:REDACTED@` into url.full;
 * - user_agent.original: upstream reads only the app's `user-agent` key
 *   spelled that way (not `User-Agent`), which the raw header names tell;
 * - the path: where Node's environment proxy (NODE_USE_ENV_PROXY) rewrote it
 *   to absolute form (and added `proxy-connection`), the path it was.
 * Known differences, from what Node does not keep: a lower-case method gets
 * no http.request.method_original (Node sends it upper-cased); an IPv6
 * literal is written `[::1]:8080` in url.full whatever form the app used
 * (upstream writes `::1` for a URL object or options, the same as here for a
 * URL string); options with both `host` and `hostname` name the hostname.
 */

import { normalizedMethod } from './unsampled-requests';

/** What is read off the request (every field public API of ClientRequest). */
export interface CreatedRequest {
  /** As Node keeps it: upper-cased. */
  method: string;
  /** `http:` or `https:`. */
  protocol: string;
  /** Node's: options.hostname, else options.host, else `localhost`; IPv6 without brackets. */
  host: string;
  path: string;
  /** getHeader('host'). */
  hostHeader: unknown;
  /** getRawHeaderNames(): in the order set, as spelled. */
  rawHeaderNames: readonly string[];
  /** getHeader('user-agent'). */
  userAgent: unknown;
  /** getHeader('authorization'). */
  authorization: unknown;
}

export interface ClientTarget {
  /** server.address. */
  hostname: string;
  /** server.port. */
  port: number;
  /** Whether the port was given (Node writes it into the Host header only then, unless it is the default). */
  portGiven: boolean;
  path: string;
  credentials: boolean;
  userAgent: unknown;
}

export const REDACTED = 'REDACTED';
/** Upstream's default list of query parameters whose values url.full hides. */
export const DEFAULT_REDACTED_QUERY_PARAMS: readonly string[] = ['sig', 'Signature', 'AWSAccessKeyId', 'X-Goog-Signature', 'X-Amz-Signature', 'X-Amz-Credential', 'X-Amz-Security-Token'];

const bracketed = (host: string): string => (host.includes(':') && !host.startsWith('[') ? `[${host}]` : host);

/** The port of a Host header that Node wrote for this host: a number, null when it wrote none, undefined when the header is not Node's. */
function portOfHostHeader(header: unknown, host: string): number | null | undefined {
  if (typeof header !== 'string') return undefined;
  const name = bracketed(host).toLowerCase();
  const lower = header.toLowerCase();
  if (lower === name) return null;
  if (!lower.startsWith(`${name}:`)) return undefined;
  const port = lower.slice(name.length + 1);
  return /^\d{1,5}$/.test(port) ? Number(port) : undefined;
}

/** Node's environment proxy turns the path into `http://host[:port]/path`; upstream saw the path. */
function originFormPath(path: string, rawHeaderNames: readonly string[]): string {
  if (path.startsWith('/') || !rawHeaderNames.includes('proxy-connection')) return path;
  try {
    const url = new URL(path);
    return `${url.pathname}${url.search}`;
  } catch {
    return path;
  }
}

export function clientTarget(request: CreatedRequest): ClientTarget {
  const fromHeader = portOfHostHeader(request.hostHeader, request.host);
  const defaultPort = request.protocol === 'https:' ? 443 : 80;
  const names = request.rawHeaderNames;
  const credentials = names[names.length - 1] === 'Authorization' && typeof request.authorization === 'string' && request.authorization.startsWith('Basic ');
  return {
    hostname: request.host,
    port: typeof fromHeader === 'number' ? fromHeader : defaultPort,
    portGiven: typeof fromHeader === 'number',
    path: originFormPath(request.path, names),
    credentials,
    userAgent: names.includes('user-agent') ? request.userAgent : undefined,
  };
}

/** The path with the values of these query parameters replaced, as upstream writes it into url.full (re-encoded by URLSearchParams). */
export function redactedPath(path: string, redactedParams: readonly string[]): string {
  if (!path.includes('?')) return path;
  try {
    const url = new URL(path, 'http://localhost');
    const params = new URLSearchParams(url.searchParams);
    for (const param of redactedParams) if (params.has(param)) params.set(param, REDACTED);
    return `${url.pathname}?${params.toString()}`;
  } catch {
    return path;
  }
}

/** url.full as upstream writes it: credentials hidden, the port only when given and not 80 or 443. */
export function urlFull(protocol: string, target: ClientTarget, redactedParams: readonly string[]): string {
  let host = bracketed(target.hostname);
  if (target.portGiven && target.port !== 80 && target.port !== 443) host += `:${target.port}`;
  return `${protocol}//${target.credentials ? `${REDACTED}:${REDACTED}@` : ''}${host}${redactedPath(target.path || '/', redactedParams)}`;
}

type Attributes = Record<string, unknown>;

/**
 * The span's attributes at its start (what the sampler sees too), in
 * upstream's shape: user_agent.original is there, undefined, when the app set
 * none (the SDK drops it).
 */
export function clientStartAttributes(request: Pick<CreatedRequest, 'method' | 'protocol'>, target: ClientTarget, redactedParams: readonly string[]): Attributes {
  const method = normalizedMethod(request.method);
  const attributes: Attributes = {
    'http.request.method': method,
    'server.address': target.hostname,
    'server.port': target.port,
    'url.full': urlFull(request.protocol, target, redactedParams),
    'user_agent.original': target.userAgent,
  };
  if (request.method !== method) attributes['http.request.method_original'] = request.method;
  return attributes;
}

/** The metric's attributes known at the start. */
export function clientMetricAttributes(method: string, target: ClientTarget): Attributes {
  return { 'http.request.method': normalizedMethod(method), 'server.address': target.hostname, 'server.port': target.port };
}

export interface ResponseFacts {
  statusCode?: number | null;
  httpVersion?: string;
  socket?: { remoteAddress?: string; remotePort?: number } | null;
}

/** What the span gets when the response's head arrives. */
export function responseAttributes(response: ResponseFacts): Attributes {
  const attributes: Attributes = {};
  if (response.statusCode != null) attributes['http.response.status_code'] = response.statusCode;
  if (response.socket) {
    attributes['network.peer.address'] = response.socket.remoteAddress;
    attributes['network.peer.port'] = response.socket.remotePort;
    attributes['network.protocol.version'] = response.httpVersion;
  }
  return attributes;
}

/** error.type of a response: its status code for 4xx and 5xx. */
export function responseErrorType(statusCode: unknown): string | undefined {
  return typeof statusCode === 'number' && statusCode >= 400 && statusCode < 600 ? String(statusCode) : undefined;
}

/** What the metric gets from the response, written over what it had (error.type only when it had none). */
export function withResponseMetricAttributes(metric: Attributes, response: ResponseFacts): Attributes {
  const hasSocket = Boolean(response.socket);
  if (hasSocket && response.httpVersion) metric['network.protocol.version'] = response.httpVersion;
  const statusCode = response.statusCode;
  if (statusCode) {
    metric['http.response.status_code'] = statusCode;
    const errorType = responseErrorType(statusCode);
    if (errorType !== undefined) metric['error.type'] ??= errorType;
  }
  return metric;
}

/**
 * The end of a span whose response ended: ERROR for a response cut short
 * (then no error.type), else ERROR outside 100 to 399 with error.type for
 * 4xx and 5xx.
 */
export function responseOutcome(response: { aborted?: boolean; complete?: boolean; statusCode?: number | null }): { error: boolean; errorType: string | undefined } {
  if (response.aborted && !response.complete) return { error: true, errorType: undefined };
  const statusCode = response.statusCode;
  return { error: !(statusCode && statusCode >= 100 && statusCode < 400), errorType: responseErrorType(statusCode) };
}
