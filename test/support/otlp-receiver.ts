/**
 * A real OTLP receiver for tests: gRPC (traces, metrics, logs) and HTTP/protobuf
 * on 127.0.0.1, decoding with the opentelemetry-proto definitions. It keeps the
 * raw request bytes too, so tests can prove a secret appears nowhere.
 */
import * as grpc from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';

const PROTO_ROOT = join(__dirname, '../../node_modules/@elastic/mockotlpserver');
const root = new protobuf.Root();
root.resolvePath = (_origin, target) => join(PROTO_ROOT, target);
root.loadSync([
  'opentelemetry/proto/collector/trace/v1/trace_service.proto',
  'opentelemetry/proto/collector/metrics/v1/metrics_service.proto',
  'opentelemetry/proto/collector/logs/v1/logs_service.proto',
]);
const TYPES = {
  traces: root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest'),
  metrics: root.lookupType('opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest'),
  logs: root.lookupType('opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest'),
};
type Signal = keyof typeof TYPES;

/** An ExportTraceServiceRequest decoded with the official protos into plain data (64-bit numbers and bytes as text), for comparing encoders. */
export function decodeTraceRequest(bytes: Uint8Array): Record<string, unknown> {
  return TYPES.traces.toObject(TYPES.traces.decode(bytes), { longs: String, bytes: String, enums: Number });
}
/** An ExportMetricsServiceRequest decoded the same way. */
export function decodeMetricsRequest(bytes: Uint8Array): Record<string, unknown> {
  return TYPES.metrics.toObject(TYPES.metrics.decode(bytes), { longs: String, bytes: String, enums: Number });
}
/** The field names (as decoded objects spell them) of an OTLP message type, e.g. `opentelemetry.proto.trace.v1.Span`. */
export function protoFieldNames(typeName: string): string[] {
  return Object.keys(root.lookupType(typeName).fields);
}
const GRPC_PATHS: Record<Signal, string> = {
  traces: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
  metrics: '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export',
  logs: '/opentelemetry.proto.collector.logs.v1.LogsService/Export',
};

export type Attributes = Record<string, unknown>;
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  /** The W3C tracestate as exported ('' when none). */
  traceState: string;
  /** OTLP span flags: the low byte is the W3C trace flags (0 when the exporter sends none). */
  flags: number;
  name: string;
  kind: string;
  status: { code: string; message?: string };
  /** End − start, as the exporter sent them. */
  durationMs: number;
  attributes: Attributes;
  events: Array<{ name: string; attributes: Attributes }>;
  resource: Attributes;
  scope: string;
  scopeVersion: string;
  /** Nanoseconds since the epoch, as decimal text (they pass 2^53). */
  startTimeUnixNano: string;
  endTimeUnixNano: string;
}
export interface ReceivedLog {
  body: unknown;
  severityText: string;
  traceId: string;
  spanId: string;
  attributes: Attributes;
  resource: Attributes;
}
/** `hang`: accepts the connection and the call, never answers (closing drops the calls held). */
export type Behaviour = { kind: 'accept' } | { kind: 'unavailable' } | { kind: 'delay'; ms: number } | { kind: 'hang' };

const SPAN_KINDS = ['UNSPECIFIED', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];
const STATUS_CODES = ['UNSET', 'OK', 'ERROR'];

interface AnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: { toString(): string } | number;
  doubleValue?: number;
  arrayValue?: { values?: AnyValue[] };
  kvlistValue?: { values?: KeyValue[] };
  bytesValue?: Uint8Array;
}
interface KeyValue {
  key: string;
  value?: AnyValue;
}

function plainValue(value: AnyValue | undefined): unknown {
  if (!value) return undefined;
  // protobufjs puts defaults on the prototype; only own properties were sent.
  const has = (field: keyof AnyValue) => Object.prototype.hasOwnProperty.call(value, field);
  if (has('stringValue')) return value.stringValue;
  if (has('boolValue')) return value.boolValue;
  if (has('intValue')) return Number(value.intValue!.toString());
  if (has('doubleValue')) return value.doubleValue;
  if (has('arrayValue')) return (value.arrayValue!.values ?? []).map(plainValue);
  if (has('kvlistValue')) return plainAttributes(value.kvlistValue!.values);
  if (has('bytesValue')) return Buffer.from(value.bytesValue!).toString('hex');
  return undefined;
}

export function plainAttributes(list: KeyValue[] | undefined): Attributes {
  const out: Attributes = {};
  for (const kv of list ?? []) out[kv.key] = plainValue(kv.value);
  return out;
}

const hex = (bytes: Uint8Array | undefined) => (bytes ? Buffer.from(bytes).toString('hex') : '');

export class OtlpReceiver {
  /**
   * Trace requests are decoded when the spans are read, not as they arrive:
   * a benchmark reads them after its measured run, so the runner does not
   * decode every span on the cores the server under test is measured on
   * (~4 µs per request of ours and ~8 of upstream's on node:http at 3,000
   * req/s on a 2-core machine), which a collector elsewhere would not cost it.
   */
  private readonly undecodedTraces: Buffer[] = [];
  private readonly decodedSpans: ReceivedSpan[] = [];
  readonly logs: ReceivedLog[] = [];
  readonly metricNames = new Set<string>();
  readonly metricRequests: unknown[] = [];
  readonly raw: Buffer[] = [];
  /** Export calls answered with success (counted when answered). */
  readonly requests: Record<Signal, number> = { traces: 0, metrics: 0, logs: 0 };
  /** Export calls that arrived over gRPC, answered or not. */
  readonly calls: Record<Signal, number> = { traces: 0, metrics: 0, logs: 0 };
  behaviour: Behaviour = { kind: 'accept' };
  private grpcServer: grpc.Server;
  private httpServer: Server | undefined;
  grpcPort = 0;
  httpPort = 0;

  get grpcUrl(): string {
    return `http://127.0.0.1:${this.grpcPort}`;
  }
  get httpUrl(): string {
    return `http://127.0.0.1:${this.httpPort}`;
  }

  /** `maxReceiveMessageBytes`: larger requests are rejected (RESOURCE_EXHAUSTED), as a collector does above 4 MiB by default. */
  constructor(maxReceiveMessageBytes = 4 * 1024 * 1024) {
    this.grpcServer = new grpc.Server({ 'grpc.max_receive_message_length': maxReceiveMessageBytes });
  }

  static async start(options: { grpcPort?: number; http?: boolean; credentials?: grpc.ServerCredentials; maxReceiveMessageBytes?: number } = {}): Promise<OtlpReceiver> {
    const receiver = new OtlpReceiver(options.maxReceiveMessageBytes);
    await receiver.listen(options.grpcPort ?? 0, options.credentials ?? grpc.ServerCredentials.createInsecure());
    if (options.http) await receiver.listenHttp();
    return receiver;
  }

  private async listen(port: number, credentials: grpc.ServerCredentials): Promise<void> {
    for (const signal of Object.keys(TYPES) as Signal[]) {
      const definition = {
        Export: {
          path: GRPC_PATHS[signal],
          requestStream: false,
          responseStream: false,
          requestSerialize: (b: Buffer) => b,
          requestDeserialize: (b: Buffer) => b,
          responseSerialize: () => Buffer.alloc(0),
          responseDeserialize: (b: Buffer) => b,
        },
      };
      this.grpcServer.addService(definition as unknown as grpc.ServiceDefinition, {
        Export: (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => {
          const answer = () => {
            if (this.behaviour.kind === 'unavailable') {
              callback({ code: grpc.status.UNAVAILABLE, details: 'receiver set to unavailable' } as grpc.ServiceError, null);
              return;
            }
            this.ingest(signal, call.request);
            callback(null, Buffer.alloc(0));
          };
          this.calls[signal]++;
          if (this.behaviour.kind === 'hang') return;
          if (this.behaviour.kind === 'delay') setTimeout(answer, this.behaviour.ms);
          else answer();
        },
      });
    }
    this.grpcPort = await new Promise<number>((resolve, reject) =>
      this.grpcServer.bindAsync(`127.0.0.1:${port}`, credentials, (error, bound) => (error ? reject(error) : resolve(bound))),
    );
  }

  private listenHttp(): Promise<void> {
    const paths: Record<string, Signal> = { '/v1/traces': 'traces', '/v1/metrics': 'metrics', '/v1/logs': 'logs' };
    this.httpServer = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        const signal = paths[req.url ?? ''];
        if (!signal || this.behaviour.kind === 'unavailable') {
          res.writeHead(signal ? 503 : 404).end();
          return;
        }
        this.ingest(signal, Buffer.concat(chunks));
        res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
      });
    });
    return new Promise((resolve) =>
      this.httpServer!.listen(0, '127.0.0.1', () => {
        this.httpPort = (this.httpServer!.address() as { port: number }).port;
        resolve();
      }),
    );
  }

  get spans(): ReceivedSpan[] {
    for (const bytes of this.undecodedTraces.splice(0)) this.decodeTraces(bytes);
    return this.decodedSpans;
  }

  private ingest(signal: Signal, bytes: Buffer): void {
    this.requests[signal]++;
    const copy = Buffer.from(bytes);
    this.raw.push(copy);
    if (signal === 'traces') {
      this.undecodedTraces.push(copy);
      return;
    }
    const message = TYPES[signal].decode(bytes) as unknown as Record<string, Array<Record<string, unknown>>>;
    if (signal === 'metrics') {
      this.metricRequests.push(TYPES.metrics.toObject(message as never, { longs: Number }));
      for (const rm of message.resourceMetrics ?? []) {
        for (const sm of (rm.scopeMetrics as Array<Record<string, any>>) ?? []) {
          for (const metric of sm.metrics ?? []) this.metricNames.add(metric.name);
        }
      }
    } else {
      for (const rl of message.resourceLogs ?? []) {
        const resource = plainAttributes((rl.resource as { attributes?: KeyValue[] } | undefined)?.attributes);
        for (const sl of (rl.scopeLogs as Array<Record<string, any>>) ?? []) {
          for (const record of sl.logRecords ?? []) {
            this.logs.push({
              body: plainValue(record.body),
              severityText: record.severityText ?? '',
              traceId: hex(record.traceId),
              spanId: hex(record.spanId),
              attributes: plainAttributes(record.attributes),
              resource,
            });
          }
        }
      }
    }
  }

  private decodeTraces(bytes: Buffer): void {
    const message = TYPES.traces.decode(bytes) as unknown as Record<string, Array<Record<string, unknown>>>;
    for (const rs of message.resourceSpans ?? []) {
      const resource = plainAttributes((rs.resource as { attributes?: KeyValue[] } | undefined)?.attributes);
      for (const ss of (rs.scopeSpans as Array<Record<string, unknown>>) ?? []) {
        const scope = (ss.scope as { name?: string } | undefined)?.name ?? '';
        const scopeVersion = (ss.scope as { version?: string } | undefined)?.version ?? '';
        for (const span of (ss.spans as Array<Record<string, any>>) ?? []) {
          this.decodedSpans.push({
            traceId: hex(span.traceId),
            spanId: hex(span.spanId),
            parentSpanId: hex(span.parentSpanId),
            traceState: span.traceState ?? '',
            flags: span.flags ?? 0,
            name: span.name,
            kind: SPAN_KINDS[span.kind ?? 0] ?? String(span.kind),
            status: { code: STATUS_CODES[span.status?.code ?? 0] ?? 'UNSET', message: span.status?.message },
            durationMs: (Number(String(span.endTimeUnixNano ?? 0)) - Number(String(span.startTimeUnixNano ?? 0))) / 1e6,
            attributes: plainAttributes(span.attributes),
            events: (span.events ?? []).map((e: { name: string; attributes?: KeyValue[] }) => ({ name: e.name, attributes: plainAttributes(e.attributes) })),
            resource,
            scope,
            scopeVersion,
            startTimeUnixNano: String(span.startTimeUnixNano ?? 0),
            endTimeUnixNano: String(span.endTimeUnixNano ?? 0),
          });
        }
      }
    }
  }

  /** Waits until `predicate` holds for the spans received, or fails naming what was seen. */
  async waitForSpans(predicate: (spans: ReceivedSpan[]) => boolean, timeoutMs = 15_000, what = 'the expected spans'): Promise<ReceivedSpan[]> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (predicate(this.spans)) return this.spans;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; received ${this.spans.length} spans: ${this.spans.map((s) => `${s.kind} ${s.name}`).join(', ')}`);
  }

  async waitFor(predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Every data point of a sum or gauge metric received, in arrival order, with plain attributes. */
  metricPoints(name: string): Array<{ attributes: Attributes; value: number }> {
    const points: Array<{ attributes: Attributes; value: number }> = [];
    for (const request of this.metricRequests as Array<{ resourceMetrics?: Array<{ scopeMetrics?: Array<{ metrics?: Array<Record<string, any>> }> }> }>) {
      for (const rm of request.resourceMetrics ?? []) {
        for (const sm of rm.scopeMetrics ?? []) {
          for (const metric of sm.metrics ?? []) {
            if (metric.name !== name) continue;
            for (const point of (metric.sum ?? metric.gauge)?.dataPoints ?? []) {
              points.push({ attributes: plainAttributes(point.attributes), value: Number(point.asInt ?? point.asDouble ?? 0) });
            }
          }
        }
      }
    }
    return points;
  }

  /** True if `text` occurs in any request body received, whatever the encoding. */
  rawContains(text: string): boolean {
    const needle = Buffer.from(text);
    return this.raw.some((bytes) => bytes.includes(needle));
  }

  clear(): void {
    this.undecodedTraces.length = 0;
    this.decodedSpans.length = 0;
    this.logs.length = 0;
    this.raw.length = 0;
    this.metricNames.clear();
    this.metricRequests.length = 0;
  }

  async close(): Promise<void> {
    // A graceful stop would wait for calls a hanging receiver never answers.
    if (this.behaviour.kind !== 'hang') await new Promise<void>((resolve) => this.grpcServer.tryShutdown(() => resolve()));
    this.grpcServer.forceShutdown();
    if (this.httpServer) await new Promise<void>((resolve) => this.httpServer!.close(() => resolve()));
  }
}
