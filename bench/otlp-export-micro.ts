/**
 * CPU per span of exporting (encoding and sending over gRPC) batches of 512
 * typical HTTP server spans to an OTLP receiver in another process (its CPU
 * is not counted): upstream's OTLPTraceExporter against ours
 * (src/traces/grpc-trace-exporter.ts), same spans, same receiver, alternated.
 * Not part of `npm run bench`:
 *
 *   node --import tsx bench/otlp-export-micro.ts
 *
 * The repository's 2.x line. Prints one JSON line: medians in ns per span.
 * Env: BENCH_BATCHES_PER_ROUND (10), BENCH_WARMUP_ROUNDS (5), BENCH_ROUNDS (15).
 */
import { spawn } from 'node:child_process';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { createGrpcTraceExporter } from '../src/traces/grpc-trace-exporter';
import { serverSpans } from '../test/support/span-corpus';
import { positiveInteger } from './env-integer';
import { median } from './statistics';


const BATCH = 512;
const BATCHES = positiveInteger('BENCH_BATCHES_PER_ROUND', 10);
const WARMUP = positiveInteger('BENCH_WARMUP_ROUNDS', 5);
const ROUNDS = positiveInteger('BENCH_ROUNDS', 15);

// A receiver that answers every trace export with an empty response, without decoding.
const SINK = `
const grpc = require('@grpc/grpc-js');
const server = new grpc.Server({ 'grpc.max_receive_message_length': 64 << 20 });
const id = (b) => b;
server.addService({ Export: { path: '/opentelemetry.proto.collector.trace.v1.TraceService/Export', requestStream: false, responseStream: false,
  requestSerialize: id, requestDeserialize: id, responseSerialize: () => Buffer.alloc(0), responseDeserialize: id } },
  { Export: (call, callback) => callback(null, Buffer.alloc(0)) });
server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, port) => { if (error) throw error; console.log(port); });
`;

async function startSink(): Promise<{ url: string; stop: () => void }> {
  const child = spawn(process.execPath, ['-e', SINK], { cwd: __dirname, stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve, reject) => {
    child.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString().trim()));
    child.once('exit', (code) => reject(new Error(`the receiver exited (${code}) before listening`)));
  });
  return { url: `http://127.0.0.1:${port}`, stop: () => child.kill() };
}

function exportOnce(exporter: SpanExporter, spans: ReadableSpan[]): Promise<void> {
  return new Promise((resolve, reject) =>
    exporter.export(spans, (result) => (result.code === 0 ? resolve() : reject(result.error ?? new Error('export failed')))),
  );
}

async function cpuNsPerSpan(exporter: SpanExporter, batch: ReadableSpan[]): Promise<number> {
  const start = process.cpuUsage();
  for (let i = 0; i < BATCHES; i++) await exportOnce(exporter, batch);
  const used = process.cpuUsage(start);
  return ((used.user + used.system) * 1000) / (BATCHES * BATCH);
}

async function main(): Promise<void> {
  const sink = await startSink();
  const batch = serverSpans(BATCH);
  const upstream = new OTLPTraceExporter({ url: sink.url }) as unknown as SpanExporter;
  const ours = createGrpcTraceExporter({ url: sink.url });
  const samples = { upstream: [] as number[], ours: [] as number[] };
  for (let round = 0; round < WARMUP + ROUNDS; round++) {
    const u = await cpuNsPerSpan(upstream, batch);
    const o = await cpuNsPerSpan(ours, batch);
    if (round >= WARMUP) {
      samples.upstream.push(u);
      samples.ours.push(o);
    }
  }
  await Promise.all([upstream.shutdown(), ours.shutdown()]);
  sink.stop();
  const u = median(samples.upstream);
  const o = median(samples.ours);
  console.log(
    JSON.stringify({
      node: process.version,
      spansPerBatch: BATCH,
      attributesPerSpan: Object.keys(batch[0]!.attributes).length,
      upstreamExportNsPerSpan: Math.round(u),
      oursExportNsPerSpan: Math.round(o),
      speedup: Number((u / o).toFixed(2)),
    }),
  );
}

void main();
