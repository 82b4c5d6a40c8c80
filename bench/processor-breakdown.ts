/**
 * What CustomSpanProcessor.onEnd spends its time on, step by step, on real
 * ended SDK spans of an HTTP server request with 15 attributes: the static
 * attributes, the HTTP semantic-convention harmonisation, the redaction, and
 * the whole onEnd. Also tells whether the span's attributes object is still
 * in V8's fast mode after each step (a dictionary-mode object would make every
 * later for-in, ours and the exporter's, slower). Not part of `npm run bench`:
 *
 *   npx tsx bench/processor-breakdown.ts        (or <node> --import tsx bench/processor-breakdown.ts)
 */
import { SpanKind } from '@opentelemetry/api';
import { BasicTracerProvider, type ReadableSpan, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parseConfig } from '../src/config/config';
import { Diagnostics } from '../src/diagnostics';
import { harmonizeHttpAttributes } from '../src/processor/http-semconv';
import { Redactor } from '../src/processor/redaction';
import { CustomSpanProcessor } from '../src/processor/span-processor';
import { median } from './statistics';
import { RESPONSE_ATTRIBUTES, startAttributes } from './http-span-attributes';

setFlagsFromString('--allow-natives-syntax');
const hasFastProperties = runInNewContext('(o) => %HasFastProperties(o)') as (o: object) => boolean;

const SPANS = 20_000;
const ROUNDS = 10;
const { config } = parseConfig({ OTEL_SERVICE_NAME: 'bench' });
const redactor = new Redactor(config.processor.redactKeys, config.processor.sanitizeDbStatements);
const noop: SpanProcessor = { onStart: () => undefined, onEnd: () => undefined, forceFlush: async () => undefined, shutdown: async () => undefined };
const processor = new CustomSpanProcessor(noop, config.processor, '1.0.0', new Diagnostics(() => undefined), []);

const ended: ReadableSpan[] = [];
const tracer = new BasicTracerProvider({ spanProcessors: [{ ...noop, onEnd: (span) => void ended.push(span) }] }).getTracer('bench');

function makeSpans(): Array<Record<string, unknown>> {
  ended.length = 0;
  for (let i = 0; i < SPANS; i++) {
    const span = tracer.startSpan('GET /api/orders/:id', {
      kind: SpanKind.SERVER,
      attributes: startAttributes(i),
    });
    span.setAttributes(RESPONSE_ATTRIBUTES);
    span.end();
  }
  return ended.map((span) => span.attributes as Record<string, unknown>);
}

const STATIC: Array<[string, unknown]> = [
  ['custom.processed', true],
  ['custom.processor.version', '1.0.0'],
];

// Each step alone on fresh spans, then the whole onEnd; the "for-in" step
// walks the attributes the way the exporter does after onEnd.
const STEPS: Record<string, (attributes: Record<string, unknown>, span: ReadableSpan) => void> = {
  'harmonizeHttpAttributes alone (adds 5 keys)': (a) => harmonizeHttpAttributes(a),
  'the two static attributes alone': (a) => {
    for (const [key, value] of STATIC) a[key] = value;
  },
  'redactAttributes alone, on the 15 original attributes (2 URLs)': (a) => redactor.redactAttributes(a),
  'CustomSpanProcessor.onEnd (all of it; 4 URL attributes by then)': (_a, span) => processor.onEnd(span),
  'for-in over the attributes after onEnd (what serialisation does)': (_a, span) => processor.onEnd(span),
};
const timings = new Map<string, number[]>(Object.keys(STEPS).map((name) => [name, []]));
const fastAfter = new Map<string, boolean>();
for (let round = 0; round < ROUNDS + 3; round++) {
  for (const [name, step] of Object.entries(STEPS)) {
    const attributes = makeSpans();
    const spans = ended.slice();
    const forIn = name.startsWith('for-in');
    // The for-in step prepares untimed (onEnd), then times only the walk.
    if (forIn) for (let i = 0; i < SPANS; i++) step(attributes[i]!, spans[i]!);
    let sink = 0;
    const started = process.hrtime.bigint();
    if (forIn) {
      for (const a of attributes) for (const key in a) if (a[key] !== undefined) sink++;
    } else {
      for (let i = 0; i < SPANS; i++) step(attributes[i]!, spans[i]!);
    }
    const ns = Number(process.hrtime.bigint() - started) / SPANS;
    if (forIn && sink === 0) throw new Error('the for-in saw no attributes');
    if (round >= 3) timings.get(name)!.push(ns);
    fastAfter.set(name, hasFastProperties(attributes[0]!) && hasFastProperties(attributes[SPANS - 1]!));
  }
}

const fresh = makeSpans()[0]!;
process.stdout.write(`Node ${process.version}; a fresh span's 15 attributes are ${hasFastProperties(fresh) ? 'fast' : 'dictionary'}-mode\n\n`);
process.stdout.write(`| step (median of ${ROUNDS} rounds of ${SPANS} spans) | ns/span | attributes afterwards |\n| --- | --- | --- |\n`);
for (const name of Object.keys(STEPS)) {
  process.stdout.write(`| ${name} | ${median(timings.get(name)!).toFixed(0)} | ${fastAfter.get(name) ? 'fast' : 'dictionary'} |\n`);
}

const url = 'http://orders.demo.svc:8080/api/orders/42?page=2&size=20';
// The results' lengths are summed so the optimiser cannot drop the calls.
const perCall = (body: () => string) => {
  let sink = 0;
  for (let i = 0; i < 50_000; i++) sink += body().length;
  const started = process.hrtime.bigint();
  for (let i = 0; i < 200_000; i++) sink += body().length;
  const ns = Number(process.hrtime.bigint() - started) / 200_000;
  if (sink === 0) throw new Error('the calls returned nothing');
  return ns;
};
process.stdout.write(`\n| call | ns |\n| --- | --- |\n`);
process.stdout.write(`| Redactor.redactUrl of a URL with 2 harmless query parameters | ${perCall(() => redactor.redactUrl(url)).toFixed(0)} |\n`);
process.stdout.write(`| decodeURIComponent('page') (done per parameter name) | ${perCall(() => decodeURIComponent('page')).toFixed(0)} |\n`);
