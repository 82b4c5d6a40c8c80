/**
 * Our attributes of a plain request (src/instrumentations/plain-request-attributes.ts)
 * against instrumentation-http's getIncomingRequestAttributes, on the 2.x and
 * 3.x lines as they ship: for every request of a generated corpus (targets and
 * Host headers of the characters the URL parser treats specially), either
 * ours declines or both give the same names, values and order.
 */
import { describe, expect, it } from 'vitest';
import { plainRequestAttributes } from '../../src/instrumentations/plain-request-attributes';
import { loadHttpUtils } from '../../src/instrumentations/http-server-channels';
import { sdkLineRequire } from '../support/sdk-line-packages';

interface Request {
  method?: string;
  url?: string;
  httpVersion: string;
  headers: Record<string, string | string[] | undefined>;
  socket: { remoteAddress?: string; remotePort?: number };
}

const TARGET_PIECES = ['/', '/', '/', 'a', 'Z9', '.', '..', '%2e', '%2E', '%', '%41', '%zz', '-', '_', '~', '!', '$', '&', "'", '(', '*', '+', ',', ';', '=', ':', '@', '?', '?q=1', '#', '[', ']', '|', '^', '\\', '{', '}', '`', ' ', '"', '<', '>', 'é', '\t', 'users', '42'];
const HOST_PIECES = ['a', 'z', 'Svc', '0', '1', '9', '25', '255', '256', '.', '-', ':', ':80', ':65535', ':65536', ':0', '[', ']', '::1', 'xn--', 'XN--a', '_', '%', 'é', ' ', '@', '0x1'];
const PLAIN = [
  { url: '/', host: 'localhost' },
  { url: '/users/42', host: '127.0.0.1:8080' },
  { url: '/api/v1/orders;v=2', host: 'orders.shop.svc.cluster.local' },
  { url: '/a//b', host: 'svc-name:3000' },
];

/** A deterministic generator (a 32-bit LCG), so a failure names a case that comes back. */
function generator(seed: number) {
  let state = seed >>> 0;
  const next = () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  /** Up to three pieces put in at random places, or none. */
  const mutated = (base: string, pieces: readonly string[]) => {
    let text = base;
    for (let n = Math.floor(next() * 4); n > 0; n--) {
      const at = Math.floor(next() * (text.length + 1));
      text = text.slice(0, at) + pick(pieces) + text.slice(at);
    }
    return text;
  };
  return { next, pick, mutated };
}

function request(url: string | undefined, host: string | undefined, extra: Request['headers'] = {}, method = 'GET'): Request {
  return {
    method,
    url,
    httpVersion: '1.1',
    headers: { host, 'user-agent': 'curl/8.5.0', ...extra },
    socket: { remoteAddress: '10.1.2.3', remotePort: 51234 },
  };
}

describe.each(['2.x', '3.x'] as const)("on the %s line's instrumentation-http", (line) => {
  it('gives what upstream gives on every request it answers for, and answers for plain ones', async () => {
    const utils = loadHttpUtils(await sdkLineRequire(line));
    const upstream = (req: Request, component: 'http' | 'https') =>
      utils!.getIncomingRequestAttributes!(req, { component, enableSyntheticSourceDetection: false, hookAttributes: undefined, redactedQueryParams: undefined }, { verbose() {} });
    const compare = (req: Request, component: 'http' | 'https') => {
      const ours = plainRequestAttributes(req, component);
      if (ours !== undefined) expect(Object.entries(ours), JSON.stringify({ url: req.url, headers: req.headers, method: req.method, component })).toEqual(Object.entries(upstream(req, component)));
      return ours !== undefined;
    };

    for (const { url, host } of PLAIN) {
      expect(compare(request(url, host), 'http'), `${host} ${url}`).toBe(true);
      expect(compare(request(url, host), 'https'), `${host} ${url} (https)`).toBe(true);
    }
    expect(compare(request('/x', 'svc', {}, 'purge'), 'http')).toBe(true);
    expect(compare({ ...request('/x', 'svc'), socket: {} }, 'http')).toBe(true);

    const random = generator(21);
    let answered = 0;
    for (let i = 0; i < 20_000; i++) {
      const url = random.next() < 0.02 ? undefined : random.mutated(random.pick(PLAIN).url, TARGET_PIECES);
      const host = random.next() < 0.02 ? undefined : random.mutated(random.pick(PLAIN).host, HOST_PIECES);
      if (compare(request(url, host), random.next() < 0.5 ? 'http' : 'https')) answered++;
    }
    // The corpus must reach both sides of the check, not only the declines.
    expect(answered).toBeGreaterThan(500);

    // Forwarding headers are upstream's to read.
    for (const extra of [{ forwarded: 'for=1.2.3.4;host=a' }, { 'x-forwarded-host': 'a' }, { 'x-forwarded-for': '1.2.3.4' }, { 'x-forwarded-for': '' }]) {
      expect(plainRequestAttributes(request('/', 'svc', extra), 'http')).toBeUndefined();
    }
  }, 5 * 60_000);
});
