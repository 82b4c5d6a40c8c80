/**
 * CPU per record of an HTTP server duration into the metrics SDK's histogram:
 * the attribute set fresh on every record (as the HTTP instrumentation builds
 * it, hashed by the SDK each time) against the kept set
 * (src/metrics/attribute-sets.ts, hashed once). Both build the set the same
 * way; rounds alternate. Not part of `npm run bench`:
 *
 *   node --import tsx bench/duration-record-micro.ts
 *
 * The repository's 2.x line, under whichever Node runs it. Prints one JSON
 * line: medians in ns per record. Env: BENCH_RECORDS_PER_ROUND (200000),
 * BENCH_ROUNDS (9).
 */
import type { Histogram } from '@opentelemetry/api';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { installAttributeSets, type AttributeSets } from '../src/metrics/attribute-sets';
import { loadMetricsUtils } from '../src/metrics/sdk-metrics-utils';
import { positiveInteger } from './env-integer';
import { median } from './statistics';

const RECORDS = positiveInteger('BENCH_RECORDS_PER_ROUND', 200_000);
const ROUNDS = positiveInteger('BENCH_ROUNDS', 9);

class Reader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

const outcome = installAttributeSets(loadMetricsUtils());
if (!outcome.installed) throw new Error(`the kept sets cannot be installed: ${outcome.problem}`);
const sets = outcome.sets;
const histogram = new MeterProvider({ readers: [new Reader()] }).getMeter('bench').createHistogram('http.server.request.duration', { unit: 's' });

const STATUSES = [200, 200, 200, 404];
const request = { 'http.request.method': 'GET', 'url.scheme': 'http', 'network.protocol.version': '1.1' };

/** ns per record over one round; `kept`: through the kept sets. */
function round(target: Histogram, kept: AttributeSets | undefined): number {
  const start = process.hrtime.bigint();
  for (let i = 0; i < RECORDS; i++) {
    // Built as the instrumentation builds it (Object.assign): on Node 20 a spread copy grown by two properties would cost ~1 µs by itself.
    const attributes = Object.assign({}, request, { 'http.route': '/api/orders/:id', 'http.response.status_code': STATUSES[i & 3] });
    target.record(0.002, kept ? kept.intern(attributes) : attributes);
  }
  return Number(process.hrtime.bigint() - start) / RECORDS;
}

const fresh: number[] = [];
const keptSets: number[] = [];
round(histogram, undefined);
round(histogram, sets);
for (let i = 0; i < ROUNDS; i++) {
  fresh.push(round(histogram, undefined));
  keptSets.push(round(histogram, sets));
}
console.log(JSON.stringify({ node: process.versions.node, records: RECORDS, rounds: ROUNDS, freshSetNs: Math.round(median(fresh)), keptSetNs: Math.round(median(keptSets)) }));
