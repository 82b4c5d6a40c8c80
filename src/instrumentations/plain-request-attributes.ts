/**
 * A recorded server span's request attributes, written here for the common
 * request where instrumentation-http's getIncomingRequestAttributes would
 * spend a third of its time on `new URL(target, scheme://host)` only to read
 * back what it was given (~2 µs per request on Node 20, the largest part of
 * building the attributes in a CPU profile).
 *
 * A request is plain when: its target is an origin-form path of characters
 * the URL parser keeps as they are, with no segment starting with a dot, no
 * query and no fragment; its Host header is a name or an IPv4 address the
 * parser accepts, with an optional port; it has no Forwarded,
 * X-Forwarded-Host or X-Forwarded-For header; synthetic-source detection is
 * off. For it, upstream's parsed path is the target itself, and the
 * attributes below are upstream's, in its order. For any other request this
 * returns undefined and the caller uses upstream's builder, which stays the
 * definition: test/unit/plain-request-attributes.test.ts holds both to the
 * same output on every shipped line.
 */
import { normalizedMethod } from './unsampled-requests';

interface PlainRequestSource {
  method?: string;
  url?: string;
  httpVersion?: string;
  headers: Record<string, string | string[] | undefined>;
  socket: { remoteAddress?: string; remotePort?: number };
}

/** Path characters the URL parser leaves unescaped, from a single leading slash. */
const PLAIN_TARGET = /^\/(?!\/)[A-Za-z0-9\-._~!$&'()*+,;=:@%/]*$/;
/** A segment the parser could resolve away (`.`, `..`, `%2e`). */
const DOT_SEGMENT = /\/(?:\.|%2e)/i;
/** A DNS name whose last label does not start with a digit (else the parser reads it as IPv4), and a port. */
const PLAIN_NAME = /^(?:[A-Za-z0-9-]+\.)*[A-Za-z-][A-Za-z0-9-]*\.?(?::(\d{1,5}))?$/;
const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const PLAIN_IPV4 = new RegExp(`^${OCTET}(?:\\.${OCTET}){3}(?::(\\d{1,5}))?$`);
/** Labels the parser checks as Punycode. */
const PUNYCODE_LABEL = /(?:^|\.)xn--/i;

type PlainHost = { name: string; port: string | undefined } | undefined;

// A service is asked under one or two Host headers: the last one's reading is kept (its regular expressions were a third of this file's time).
let lastHostHeader: string | undefined;
let lastHost: PlainHost;

/** plainHost, remembering the last header read. */
function plainHostOf(host: string): PlainHost {
  if (host !== lastHostHeader) {
    lastHost = plainHost(host);
    lastHostHeader = host;
  }
  return lastHost;
}

/** The Host header's name and port, when the URL parser accepts it unchanged (pure). */
function plainHost(host: string): PlainHost {
  const match = PLAIN_NAME.exec(host) ?? PLAIN_IPV4.exec(host);
  if (match === null || PUNYCODE_LABEL.test(host)) return undefined;
  const port = match[1];
  if (port !== undefined && Number(port) > 65535) return undefined;
  return { name: port === undefined ? host : host.slice(0, host.length - port.length - 1), port };
}

/**
 * getIncomingRequestAttributes(request, { component, enableSyntheticSourceDetection: false, hookAttributes: undefined })
 * of instrumentation-http for a plain request; undefined for any other (pure).
 */
export function plainRequestAttributes(request: PlainRequestSource, component: 'http' | 'https'): Record<string, unknown> | undefined {
  const { headers, url, method } = request;
  if (typeof url !== 'string' || !PLAIN_TARGET.test(url) || DOT_SEGMENT.test(url)) return undefined;
  if (headers.forwarded !== undefined || headers['x-forwarded-host'] !== undefined || headers['x-forwarded-for'] !== undefined) return undefined;
  const hostHeader = headers.host;
  if (typeof hostHeader !== 'string') return undefined;
  const host = plainHostOf(hostHeader);
  if (host === undefined) return undefined;
  const normalized = normalizedMethod(method);
  const remoteAddress = request.socket.remoteAddress;
  const attributes: Record<string, unknown> = {
    'http.request.method': normalized,
    'url.scheme': component,
    'server.address': host.name,
    'network.peer.address': remoteAddress,
    'network.peer.port': request.socket.remotePort,
    'network.protocol.version': request.httpVersion,
    'user_agent.original': headers['user-agent'],
    'url.path': url,
  };
  if (remoteAddress) attributes['client.address'] = remoteAddress;
  attributes['server.port'] = Number(host.port ?? (component === 'https' ? '443' : '80'));
  if (method !== normalized) attributes['http.request.method_original'] = method;
  return attributes;
}
