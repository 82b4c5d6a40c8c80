/** The attributes of a realistic HTTP server span, as the instrumentation sets them, shared by the span-pipeline benchmarks. */
import type { Attributes } from '@opentelemetry/api';

/** What the HTTP instrumentation knows when the span starts (the sampler sees these). */
export function startAttributes(i: number): Attributes {
  return {
    'http.url': `http://orders.demo.svc:8080/api/orders/${i}?page=2&size=20`,
    'http.host': 'orders.demo.svc:8080',
    'net.host.name': 'orders.demo.svc',
    'http.method': 'GET',
    'http.scheme': 'http',
    'http.target': `/api/orders/${i}?page=2&size=20`,
    'http.user_agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36',
    'http.flavor': '1.1',
    'net.transport': 'ip_tcp',
  };
}

/** The six the instrumentation adds while the request runs: 15 in all. */
export const RESPONSE_ATTRIBUTES: Attributes = {
  'net.host.ip': '10.1.2.3',
  'net.host.port': 8080,
  'net.peer.ip': '10.1.7.9',
  'net.peer.port': 51234,
  'http.status_code': 200,
  'http.route': '/api/orders/:id',
};
