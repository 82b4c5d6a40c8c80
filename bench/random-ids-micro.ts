/**
 * ns per request's worth of ids (one trace id, two span ids): the SDK's
 * RandomIdGenerator against ours (src/traces/random-ids.ts); rounds
 * alternate. Not part of `npm run bench`:
 *
 *   node --import tsx bench/random-ids-micro.ts
 *
 * The repository's 2.x line, under whichever Node runs it. Prints one JSON
 * line: medians in ns. Env: BENCH_IDS_PER_ROUND (500000), BENCH_ROUNDS (9).
 */
import { RandomIdGenerator } from '@opentelemetry/sdk-trace-base';
import { randomIdGenerator } from '../src/traces/random-ids';
import { positiveInteger } from './env-integer';
import { median } from './statistics';

const PER_ROUND = positiveInteger('BENCH_IDS_PER_ROUND', 500_000);
const ROUNDS = positiveInteger('BENCH_ROUNDS', 9);

interface IdGenerator {
  generateTraceId(): string;
  generateSpanId(): string;
}

let sink = 0;
/** ns per trace id and two span ids over one round; each id is read, as the encoder and propagators read them. */
function round(generator: IdGenerator): number {
  const start = process.hrtime.bigint();
  for (let i = 0; i < PER_ROUND; i++) {
    const traceId = generator.generateTraceId();
    const spanId = generator.generateSpanId();
    const childId = generator.generateSpanId();
    sink += traceId.charCodeAt(31) + spanId.charCodeAt(15) + childId.charCodeAt(0);
  }
  return Number(process.hrtime.bigint() - start) / PER_ROUND;
}

const sdk = new RandomIdGenerator();
const sdkNs: number[] = [];
const oursNs: number[] = [];
round(sdk);
round(randomIdGenerator);
for (let i = 0; i < ROUNDS; i++) {
  sdkNs.push(round(sdk));
  oursNs.push(round(randomIdGenerator));
}
console.log(JSON.stringify({ node: process.versions.node, perRound: PER_ROUND, rounds: ROUNDS, sdkNs: Math.round(median(sdkNs)), oursNs: Math.round(median(oursNs)), sink: sink > 0 }));
