/**
 * Benchmark 4a, run as its own process under the Node being measured
 * (`npm run bench` runs it bundled as the distribution is,
 * bench/bundled-script.ts; by hand `node --import tsx
 * bench/span-pipeline-micro.ts`, which adds tsx's export getters): the cost
 * per span of our sampler (CustomSampler.shouldSample) and our processor
 * (CustomSpanProcessor.onEnd with a no-op next), on real ended SDK spans of an
 * HTTP server request with 15 attributes, configured as the operator runs it.
 * Spans for a round are made first (untimed), then the round is timed.
 * A round holds 2,048 ended spans, the batch processor's default queue size:
 * the most an app keeps at once. More, and the scavenges the processor's
 * allocations trigger copy spans no app would still hold (at 20,000 per
 * round the processor took ~1.4 µs per span on Node 20 against ~0.85, both
 * measured before 8b4b49b's redaction change took it to ~0.63).
 * Prints one JSON line: medians over the rounds, in ns per span.
 *
 * Env: BENCH_SPANS_PER_ROUND, BENCH_WARMUP_ROUNDS, BENCH_ROUNDS;
 * BENCH_SAMPLER=NAME[:ARG] measures another sampler (e.g. traceidratio:0.25).
 */
import { ROOT_CONTEXT, SpanKind, type Attributes } from '@opentelemetry/api';
import { BasicTracerProvider, SamplingDecision, type ReadableSpan, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { randomBytes } from 'node:crypto';
import { parseConfig } from '../src/config/config';
import { Diagnostics } from '../src/diagnostics';
import { RequestMetrics } from '../src/metrics/request-metrics';
import { CustomSpanProcessor } from '../src/processor/span-processor';
import { CustomSampler, samplingPolicy } from '../src/sampler/custom-sampler';
import { positiveInteger } from './env-integer';
import { median } from './statistics';
import { RESPONSE_ATTRIBUTES, startAttributes } from './http-span-attributes';


const SPANS = positiveInteger('BENCH_SPANS_PER_ROUND', 2_048);
const WARMUP = positiveInteger('BENCH_WARMUP_ROUNDS', 50);
const ROUNDS = positiveInteger('BENCH_ROUNDS', 150);

const [SAMPLER, SAMPLER_ARG] = (process.env.BENCH_SAMPLER || 'parentbased_always_on').split(':') as [string, string | undefined];
// The operator's environment, as the instrumented app sees it.
const { config } = parseConfig({
  OTEL_SERVICE_NAME: 'bench',
  OTEL_TRACES_SAMPLER: SAMPLER,
  ...(SAMPLER_ARG === undefined ? {} : { OTEL_TRACES_SAMPLER_ARG: SAMPLER_ARG }),
  OTEL_PROPAGATORS: 'tracecontext,baggage',
  OTEL_METRICS_EXPORTER: 'otlp',
});
const quiet = new Diagnostics(() => undefined);
const decision = { notRecord: SamplingDecision.NOT_RECORD, recordAndSample: SamplingDecision.RECORD_AND_SAMPLED };
const sampler = new CustomSampler(samplingPolicy(config), config.sampling.maxTracesPerSecond, decision, 'bench');
const noopNext: SpanProcessor = { onStart: () => undefined, onEnd: () => undefined, forceFlush: async () => undefined, shutdown: async () => undefined };
const processor = new CustomSpanProcessor(noopNext, config.processor, '1.0.0', quiet, []);
// The default deployment also derives request metrics from server spans (CUSTOM_OTEL_REQUEST_METRICS=true).
const meterProvider = new MeterProvider({
  readers: [new PeriodicExportingMetricReader({ exporter: new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE), exportIntervalMillis: 3_600_000 })],
});
const processorWithMetrics = new CustomSpanProcessor(noopNext, config.processor, '1.0.0', quiet, [new RequestMetrics(meterProvider.getMeter('bench'))]);

function addResponseAttributes(span: { setAttributes(attributes: Attributes): unknown }): void {
  span.setAttributes(RESPONSE_ATTRIBUTES);
}

const ended: ReadableSpan[] = [];
const collect: SpanProcessor = { onStart: () => undefined, onEnd: (span) => void ended.push(span), forceFlush: async () => undefined, shutdown: async () => undefined };
const tracer = new BasicTracerProvider({ spanProcessors: [collect] }).getTracer('bench');

/** Makes a round's spans, timing the SDK's own start-to-end for scale. */
function makeSpans(count: number): { spans: ReadableSpan[]; sdkNs: number } {
  ended.length = 0;
  const started = process.hrtime.bigint();
  for (let i = 0; i < count; i++) {
    const span = tracer.startSpan('GET /api/orders/:id', { kind: SpanKind.SERVER, attributes: startAttributes(i) });
    addResponseAttributes(span);
    span.end();
  }
  const sdkNs = Number(process.hrtime.bigint() - started) / count;
  const spans = ended.splice(0);
  if (spans.length !== count || Object.keys(spans[0]!.attributes).length !== 15) {
    throw new Error(`expected ${count} ended spans of 15 attributes, got ${spans.length} of ${Object.keys(spans[0]?.attributes ?? {}).length}`);
  }
  return { spans, sdkNs };
}

/**
 * Wall-clock and CPU time per span. On a shared machine the wall clock also
 * counts time this thread waited for a core; CPU time (user + system of the
 * process, GC threads included) does not.
 */
function timePerSpan(count: number, body: () => void): { wallNs: number; cpuNs: number } {
  const cpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  body();
  const wallNs = Number(process.hrtime.bigint() - started) / count;
  const cpu = process.cpuUsage(cpuBefore);
  return { wallNs, cpuNs: ((cpu.user + cpu.system) * 1000) / count };
}

const figures = {
  samplerNs: [] as number[],
  processorStartNs: [] as number[],
  processorStartCpuNs: [] as number[],
  processorNs: [] as number[],
  processorWithMetricsNs: [] as number[],
  samplerCpuNs: [] as number[],
  processorCpuNs: [] as number[],
  processorWithMetricsCpuNs: [] as number[],
  sdkSpanNs: [] as number[],
};
const traceIds = Array.from({ length: SPANS }, () => randomBytes(16).toString('hex'));
const samplerInputs = Array.from({ length: SPANS }, (_, i) => startAttributes(i));
let sampled = 0;

for (let round = 0; round < WARMUP + ROUNDS; round++) {
  const measured = round >= WARMUP;
  const samplerNs = timePerSpan(SPANS, () => {
    for (let i = 0; i < SPANS; i++) {
      if (sampler.shouldSample(ROOT_CONTEXT, traceIds[i]!, 'GET', SpanKind.SERVER, samplerInputs[i]!, []).decision === SamplingDecision.RECORD_AND_SAMPLED) sampled++;
    }
  });
  const first = makeSpans(SPANS);
  const processorStartNs = timePerSpan(SPANS, () => {
    for (const span of first.spans) processor.onStart(span as never, ROOT_CONTEXT);
  });
  const processorNs = timePerSpan(SPANS, () => {
    for (const span of first.spans) processor.onEnd(span);
  });
  const second = makeSpans(SPANS);
  const processorWithMetricsNs = timePerSpan(SPANS, () => {
    for (const span of second.spans) processorWithMetrics.onEnd(span);
  });
  if (measured) {
    figures.samplerNs.push(samplerNs.wallNs);
    figures.processorStartNs.push(processorStartNs.wallNs);
    figures.processorStartCpuNs.push(processorStartNs.cpuNs);
    figures.processorNs.push(processorNs.wallNs);
    figures.processorWithMetricsNs.push(processorWithMetricsNs.wallNs);
    figures.samplerCpuNs.push(samplerNs.cpuNs);
    figures.processorCpuNs.push(processorNs.cpuNs);
    figures.processorWithMetricsCpuNs.push(processorWithMetricsNs.cpuNs);
    figures.sdkSpanNs.push(first.sdkNs, second.sdkNs);
  }
  // The processor must really have worked on the spans: enriched, harmonised and redacted-checked.
  const probe = first.spans[0]!.attributes;
  if (probe['custom.processed'] !== true || probe['http.request.method'] !== 'GET' || probe['url.path'] === undefined) {
    throw new Error(`the processor did not enrich the spans: ${JSON.stringify(probe)}`);
  }
}
if (SAMPLER.endsWith('always_on') && sampled !== SPANS * (WARMUP + ROUNDS)) throw new Error(`the sampler sampled ${sampled} of ${SPANS * (WARMUP + ROUNDS)} root server spans under parentbased_always_on`);

void meterProvider.shutdown();
process.stdout.write(
  JSON.stringify({
    node: process.version,
    sampler: SAMPLER_ARG === undefined ? SAMPLER : `${SAMPLER}:${SAMPLER_ARG}`,
    sampledShare: sampled / (SPANS * (WARMUP + ROUNDS)),
    spansPerRound: SPANS,
    rounds: ROUNDS,
    samplerNs: median(figures.samplerNs),
    processorStartNs: median(figures.processorStartNs),
    processorStartCpuNs: median(figures.processorStartCpuNs),
    processorNs: median(figures.processorNs),
    processorWithMetricsNs: median(figures.processorWithMetricsNs),
    samplerCpuNs: median(figures.samplerCpuNs),
    processorCpuNs: median(figures.processorCpuNs),
    processorWithMetricsCpuNs: median(figures.processorWithMetricsCpuNs),
    sdkSpanNs: median(figures.sdkSpanNs),
  }) + '\n',
);
