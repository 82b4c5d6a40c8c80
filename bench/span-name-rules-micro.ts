/**
 * What CUSTOM_OTEL_SPAN_NAME_RULES costs per span, in one process
 * (`npx tsx bench/span-name-rules-micro.ts`, not in `npm run bench`):
 * CustomSpanProcessor.onEnd on real ended SDK server spans without
 * http.route (a plain node:http app), with no rules and with 10 rules whose
 * last one matches, interleaved round by round; and matchSpanNameRule alone.
 * Prints one JSON line: medians in ns per span.
 *
 * Env: BENCH_SPANS_PER_ROUND, BENCH_ROUNDS.
 */
import { SpanKind, type Attributes } from '@opentelemetry/api';
import { BasicTracerProvider, type ReadableSpan, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { parseConfig } from '../src/config/config';
import { Diagnostics } from '../src/diagnostics';
import { CustomSpanProcessor } from '../src/processor/span-processor';
import { matchSpanNameRule } from '../src/processor/span-name-rules';
import { median } from './statistics';
import { RESPONSE_ATTRIBUTES, startAttributes } from './http-span-attributes';

const SPANS = Number(process.env.BENCH_SPANS_PER_ROUND ?? 20_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 20);
const RULES = 'GET /users/:id,POST /users,GET /users/:id/orders,DELETE /users/:id,GET /products/:sku,GET /static/*,PUT /orders/:id,GET /health/:probe,POST /orders/:id/items,GET /api/orders/:id';

const quiet = new Diagnostics(() => undefined);
const noopNext: SpanProcessor = { onStart: () => undefined, onEnd: () => undefined, forceFlush: async () => undefined, shutdown: async () => undefined };
const processorFor = (env: Record<string, string>) => new CustomSpanProcessor(noopNext, parseConfig(env).config.processor, '1.0.0', quiet, []);
const without = processorFor({});
const withRules = processorFor({ CUSTOM_OTEL_SPAN_NAME_RULES: RULES });
const rules = parseConfig({ CUSTOM_OTEL_SPAN_NAME_RULES: RULES }).config.processor.spanNameRules;

const ended: ReadableSpan[] = [];
const collect: SpanProcessor = { onStart: () => undefined, onEnd: (span) => void ended.push(span), forceFlush: async () => undefined, shutdown: async () => undefined };
const tracer = new BasicTracerProvider({ spanProcessors: [collect] }).getTracer('bench');
const { 'http.route': _route, ...noRoute } = RESPONSE_ATTRIBUTES as Attributes;

function makeSpans(): ReadableSpan[] {
  ended.length = 0;
  for (let i = 0; i < SPANS; i++) {
    const span = tracer.startSpan('GET', { kind: SpanKind.SERVER, attributes: startAttributes(i) });
    span.setAttributes(noRoute);
    span.end();
  }
  return ended.splice(0);
}

function nsPerSpan(body: () => void): number {
  const started = process.hrtime.bigint();
  body();
  return Number(process.hrtime.bigint() - started) / SPANS;
}

const figures = { withoutNs: [] as number[], withRulesNs: [] as number[], matchNs: [] as number[] };
const paths = Array.from({ length: SPANS }, (_, i) => `/api/orders/${i}`);
for (let round = 0; round < ROUNDS + 3; round++) {
  // Alternating which goes first, so neither always follows the other's garbage.
  const a = makeSpans();
  const b = makeSpans();
  let withoutNs = 0;
  let withRulesNs = 0;
  if (round % 2 === 0) {
    withoutNs = nsPerSpan(() => a.forEach((span) => without.onEnd(span)));
    withRulesNs = nsPerSpan(() => b.forEach((span) => withRules.onEnd(span)));
  } else {
    withRulesNs = nsPerSpan(() => b.forEach((span) => withRules.onEnd(span)));
    withoutNs = nsPerSpan(() => a.forEach((span) => without.onEnd(span)));
  }
  if (b[0]!.name !== 'GET /api/orders/:id') throw new Error(`the rules did not name the span: ${b[0]!.name}`);
  let matched = 0;
  const matchNs = nsPerSpan(() => paths.forEach((path) => void (matchSpanNameRule(rules, 'GET', path) && matched++)));
  if (matched !== SPANS) throw new Error(`matched ${matched} of ${SPANS}`);
  if (round >= 3) {
    figures.withoutNs.push(withoutNs);
    figures.withRulesNs.push(withRulesNs);
    figures.matchNs.push(matchNs);
  }
}
const result = {
  node: process.versions.node,
  spansPerRound: SPANS,
  rounds: ROUNDS,
  processorWithoutRulesNs: Math.round(median(figures.withoutNs)),
  processorWithRulesNs: Math.round(median(figures.withRulesNs)),
  matchTenRulesLastMatchesNs: Math.round(median(figures.matchNs)),
};
process.stdout.write(JSON.stringify(result) + '\n');
