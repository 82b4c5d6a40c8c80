/**
 * CPU per span of turning finished spans into OTLP ExportTraceServiceRequest
 * bytes: upstream's protobuf trace serializer (otlp-transformer) against ours
 * (src/traces/otlp-trace-encoding.ts), on the same batches of 512 typical
 * HTTP server spans (~20 attributes: both HTTP conventions, url.*, server.*,
 * network.*, custom.*). Not part of `npm run bench`:
 *
 *   node --import tsx bench/otlp-encode-micro.ts [--deps <dir with node_modules>]
 *
 * Without --deps, the SDK and otlp-transformer of the repository (2.x line);
 * with --deps, the ones of that directory (e.g. the 3.x line's cached deps
 * for Node 22). Measures process CPU time (user + system), not wall time, so
 * other load on the machine inflates it less. Prints one JSON line: medians
 * over the rounds in ns per span, and whether both produced the same bytes.
 *
 * With --expose-gc, also what a full export queue (2,048 spans, the batch
 * processor's default) keeps per span: the SDK's span objects, as upstream's
 * queue holds them, against our spans encoded as they end
 * (src/traces/encoding-at-end.ts); heap plus array buffers after a full GC.
 * And the CPU per span of encoding at the end plus copying into the batch.
 *
 * Env: BENCH_BATCHES_PER_ROUND (20), BENCH_WARMUP_ROUNDS (10), BENCH_ROUNDS (25).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { encodeSpan, encodeTraceExportRequest } from '../src/traces/otlp-trace-encoding';
import { positiveInteger } from './env-integer';
import { median } from './statistics';

type Span = import('@opentelemetry/sdk-trace-base').ReadableSpan;
interface Serializer {
  serializeRequest(spans: Span[]): Uint8Array | undefined;
}


const BATCH = 512;
const BATCHES = positiveInteger('BENCH_BATCHES_PER_ROUND', 20);
const WARMUP = positiveInteger('BENCH_WARMUP_ROUNDS', 10);
const ROUNDS = positiveInteger('BENCH_ROUNDS', 25);

const depsAt = process.argv.indexOf('--deps');
const depsDir = depsAt > 0 ? resolve(process.argv[depsAt + 1] ?? '') : resolve(__dirname, '..');
const load = createRequire(join(depsDir, 'node_modules', 'package.json'));
const transformer = load('@opentelemetry/otlp-transformer') as { ProtobufTraceSerializer: Serializer };
const transformerVersion = (JSON.parse(readFileSync(join(depsDir, 'node_modules/@opentelemetry/otlp-transformer/package.json'), 'utf8')) as { version: string }).version;
const resources = load('@opentelemetry/resources');
const api = load('@opentelemetry/api');
// 3.x merged the trace SDK into @opentelemetry/sdk-trace.
let TracerProvider: new (options: object) => { getTracer(name: string, version?: string): { startSpan(...a: unknown[]): { setAttributes(a: object): void; setStatus(s: object): void; end(): void } } };
try {
  TracerProvider = load('@opentelemetry/sdk-trace').TracerProvider;
} catch {
  TracerProvider = load('@opentelemetry/sdk-trace-base').BasicTracerProvider;
}

const ended: Span[] = [];
const provider = new TracerProvider({
  resource: resources.resourceFromAttributes({
    'service.name': 'orders',
    'service.namespace': 'demo',
    'service.version': '1.4.2',
    'deployment.environment.name': 'production',
    'telemetry.sdk.language': 'nodejs',
    'telemetry.sdk.name': 'opentelemetry',
    'telemetry.sdk.version': '2.0.0',
    'telemetry.distro.name': 'custom-otel-nodejs',
    'host.name': 'orders-7d9c8b6f5-x2x8k',
    'host.arch': 'amd64',
    'os.type': 'linux',
    'process.pid': 1,
    'process.runtime.name': 'nodejs',
    'process.runtime.version': '20.20.2',
    'k8s.namespace.name': 'demo',
    'k8s.pod.name': 'orders-7d9c8b6f5-x2x8k',
    'k8s.deployment.name': 'orders',
    'container.id': '4f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8',
  }),
  spanProcessors: [{ onStart: () => undefined, onEnd: (span: Span) => void ended.push(span), forceFlush: async () => undefined, shutdown: async () => undefined }],
});
const tracer = provider.getTracer('@opentelemetry/instrumentation-http', '0.203.0');

/** A server span as our distribution exports it: old and stable HTTP conventions side by side, plus custom.*. */
function serverSpan(i: number): void {
  const span = tracer.startSpan('GET /api/orders/:id', {
    kind: api.SpanKind.SERVER,
    attributes: {
      'http.url': `http://orders.demo.svc:8080/api/orders/${i}?page=2`,
      'http.method': 'GET',
      'http.request.method': 'GET',
      'http.target': `/api/orders/${i}?page=2`,
      'url.full': `http://orders.demo.svc:8080/api/orders/${i}?page=2`,
      'url.path': `/api/orders/${i}`,
      'url.query': 'page=2',
      'url.scheme': 'http',
      'server.address': 'orders.demo.svc',
      'server.port': 8080,
      'network.protocol.version': '1.1',
      'user_agent.original': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36',
    },
  });
  span.setAttributes({
    'network.peer.address': '10.1.7.9',
    'network.peer.port': 51234,
    'client.address': '10.1.7.9',
    'http.status_code': 200,
    'http.response.status_code': 200,
    'http.route': '/api/orders/:id',
    'custom.processed': true,
    'custom.duration_ms': 12.5,
  });
  span.end();
}

for (let i = 0; i < BATCH; i++) serverSpan(i);
const batch = ended.slice();
const attributesPerSpan = Object.keys(batch[0]!.attributes).length;

const upstream = (spans: Span[]) => transformer.ProtobufTraceSerializer.serializeRequest(spans)!;
const ours = (spans: Span[]) => encodeTraceExportRequest(spans);
const a = upstream(batch);
const b = ours(batch);
const identical = Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;

let sink = 0;

// Memory first, on a heap the timing rounds have not filled.
const QUEUE = 2048;
const collect = (globalThis as { gc?: () => void }).gc;
/** Bytes kept per queued span (heap and array buffers after a full collection), each made by `queued`. */
function keptBytesPerSpan(queued: (i: number) => unknown): number {
  const used = () => {
    collect!();
    collect!();
    const memory = process.memoryUsage();
    return memory.heapUsed + memory.arrayBuffers;
  };
  const before = used();
  const queue: unknown[] = [];
  for (let i = 0; i < QUEUE; i++) queue.push(queued(BATCH + i));
  const after = used();
  sink += queue.length;
  return (after - before) / QUEUE;
}
const endedSpan = (i: number): Span => {
  serverSpan(i);
  return ended.pop()!;
};
const queueMemory = collect
  ? {
      sdkSpanBytes: Math.round(keptBytesPerSpan(endedSpan)),
      encodedSpanBytes: Math.round(keptBytesPerSpan((i) => encodeSpan(endedSpan(i)))),
    }
  : { queueMemory: 'not measured: run node with --expose-gc' };

function cpuNsPerSpan(encode: (spans: Span[]) => Uint8Array): number {
  const start = process.cpuUsage();
  for (let i = 0; i < BATCHES; i++) sink += encode(batch).length;
  const used = process.cpuUsage(start);
  return ((used.user + used.system) * 1000) / (BATCHES * BATCH);
}

const samples = { upstream: [] as number[], ours: [] as number[] };
for (let round = 0; round < WARMUP + ROUNDS; round++) {
  // Alternate so that load on the machine falls on both alike.
  const u = cpuNsPerSpan(upstream);
  const o = cpuNsPerSpan(ours);
  if (round >= WARMUP) {
    samples.upstream.push(u);
    samples.ours.push(o);
  }
}
const upstreamNs = median(samples.upstream);
const oursNs = median(samples.ours);

// Encoding each span as it ends, then the batch of the encoded spans.
const atEndSamples: number[] = [];
for (let round = 0; round < WARMUP + ROUNDS; round++) {
  const start = process.cpuUsage();
  for (let i = 0; i < BATCHES; i++) sink += encodeTraceExportRequest(batch.map(encodeSpan)).length;
  const used = process.cpuUsage(start);
  if (round >= WARMUP) atEndSamples.push(((used.user + used.system) * 1000) / (BATCHES * BATCH));
}


console.log(
  JSON.stringify({
    node: process.version,
    otlpTransformer: transformerVersion,
    spansPerBatch: BATCH,
    attributesPerSpan,
    bytesPerSpan: Math.round(b.length / BATCH),
    identicalBytes: identical,
    upstreamNsPerSpan: Math.round(upstreamNs),
    oursNsPerSpan: Math.round(oursNs),
    speedup: Number((upstreamNs / oursNs).toFixed(2)),
    oursAtEndNsPerSpan: Math.round(median(atEndSamples)),
    ...queueMemory,
    sink: sink > 0,
  }),
);
