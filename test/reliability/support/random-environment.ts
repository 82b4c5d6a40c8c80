/**
 * Random environments for the bad-configuration test. Every value is drawn
 * from either a pool that the documented rules accept or one they reject, so
 * the test knows, without asking the parser, which variables must be warned
 * about. Values cover random text, blanks, huge strings, unicode, negative
 * and fractional numbers, malformed lists and key=value pairs.
 */
import { SeededRandom } from './seeded-random';
import { ALL_SETTINGS } from '../../../src/config/all-settings';
import { variablesOf, type Setting } from '../../../src/config/setting';
import { METRICS_EXPORTER, METRICS_FILE, PROMETHEUS_PORT } from '../../../src/metrics/settings';
import { CONFIG_FILE } from '../../../src/config/config-file-setting';
import { OPAMP_CERTIFICATE, OPAMP_CLIENT_CERTIFICATE, OPAMP_CLIENT_KEY } from '../../../src/opamp/settings';

export type Validity = 'valid' | 'invalid';
type Draw = (rng: SeededRandom) => string;

interface VariableSpec {
  name: string;
  valid: Draw;
  invalid?: Draw; // absent: the variable accepts any text
}

const UNICODE = ['ünïcödé', 'значение', '日本語テキスト', '🙂🚀', 'ﬁ', '\u202Eevil', 'a\u0301', '١٢٣'];
const LOCAL_PORT = (rng: SeededRandom) => String(rng.int(1, 9));

function randomText(rng: SeededRandom, alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -_.:;!?*#%$'): string {
  let text = '';
  for (let i = rng.int(1, 24); i > 0; i--) text += alphabet[rng.int(0, alphabet.length - 1)];
  return text;
}

/** Text that no enumerated setting accepts: random, unicode, huge. Never blank. */
function junk(rng: SeededRandom): string {
  switch (rng.int(0, 3)) {
    case 0:
      return `x${randomText(rng)}`;
    case 1:
      return rng.pick(UNICODE);
    case 2:
      return `huge-${'z'.repeat(rng.int(1_000, 20_000))}`;
    default:
      return `${rng.pick(['on', 'off', 'yes'])}!${rng.int(0, 99)}`;
  }
}

/** Blank values count as unset: always valid. */
const blank: Draw = (rng) => rng.pick(['', ' ', '\t', '   ']);

const withBlanks = (draw: Draw): Draw => (rng) => (rng.chance(0.15) ? blank(rng) : draw(rng));
const padded = (value: string, rng: SeededRandom) => (rng.chance(0.2) ? `  ${value} ` : value);

function numberSpec(name: string, min: number, max: number, fractional: boolean): VariableSpec {
  return {
    name,
    valid: withBlanks((rng) => {
      const n = fractional ? min + rng.next() * Math.min(max - min, 1000) : rng.int(min, Math.min(max, min + 100_000));
      const text = fractional ? String(Math.round(n * 1000) / 1000) : rng.chance(0.1) && n >= 1 && n % 1000 === 0 ? `${n / 1000}e3` : String(n);
      return padded(rng.chance(0.1) ? `+${text}` : text, rng);
    }),
    invalid: (rng) => {
      const kinds: Draw[] = [
        junk,
        (r) => `${r.int(1, 99)}abc`,
        () => '1e999',
        (r) => '9'.repeat(r.int(330, 2_000)),
        () => '١٢٣',
        () => '0x10',
        () => 'NaN',
        () => '12,5',
        () => String(max + 1),
      ];
      if (min >= 0) kinds.push((r) => String(-r.int(1, 1000)));
      if (!fractional) kinds.push((r) => `${r.int(min, min + 100)}.5`);
      return rng.pick(kinds)(rng);
    },
  };
}

function booleanSpec(name: string): VariableSpec {
  return {
    name,
    valid: withBlanks((rng) => padded(rng.pick(['true', 'false', 'TRUE', 'False', '1', '0', 'yes', 'no', 'on', 'off']), rng)),
    invalid: (rng) => rng.pick<Draw>([junk, () => 'tru', () => 'ja', () => '2', () => 'true,false', () => 'y'])(rng),
  };
}

function oneOfSpec(name: string, allowed: readonly string[]): VariableSpec {
  return {
    name,
    valid: withBlanks((rng) => padded(rng.chance(0.2) ? rng.pick(allowed).toUpperCase() : rng.pick(allowed), rng)),
    invalid: (rng) => rng.pick<Draw>([junk, (r) => `${r.pick(allowed)},${r.pick(allowed)}`, (r) => `${r.pick(allowed)}x`])(rng),
  };
}

function listOfSpec(name: string, allowed: readonly string[]): VariableSpec {
  return {
    name,
    valid: withBlanks((rng) => rng.sample(allowed, rng.int(1, 3)).join(rng.pick([',', ', ', ' , ', ',,'])) + rng.pick(['', ','])),
    invalid: (rng) => {
      const good = rng.sample(allowed, rng.int(0, 2));
      return [...good, junk(rng).replace(/,/g, '')].join(',');
    },
  };
}

const keyValueSpec = (name: string): VariableSpec => ({
  name,
  valid: withBlanks((rng) => {
    const pairs = Array.from({ length: rng.int(1, 4) }, () => `${rng.pick(['team', 'tier', 'region', 'a.b.c'])}=${rng.pick(['x', 'blue', 'eu%2Dwest', 'v=w', String(rng.int(0, 99))])}`);
    return pairs.join(rng.pick([',', ', ']));
  }),
  invalid: (rng) => rng.pick<Draw>([(r) => `team=x,${randomText(r, 'abcdef')}`, () => '=nokey', () => 'k=%zz', () => 'a=1,,b', (r) => r.pick(UNICODE)])(rng),
});

/**
 * Header keys must be tokens and values visible ASCII for gRPC and HTTP; the
 * parser warns about any other at start (naming the variable) and drops it.
 */
const headersSpec = (name: string): VariableSpec => ({
  name,
  valid: withBlanks((rng) => `x-tenant=${rng.pick(['acme', 'blue', 'a%20b'])}${rng.chance(0.5) ? ',x-team=t1' : ''}`),
  invalid: (rng) => rng.pick<Draw>([() => 'x-tenant', () => '=acme', () => 'x-tenant=%zz', (r) => `x-a=1,${randomText(r, 'qwerty')}`, () => 'x-k=%C3%BC', () => 'bad key=v'])(rng),
});

const urlSpec = (name: string): VariableSpec => ({
  name,
  // Test traffic stays on this machine: every valid endpoint is local (and closed).
  valid: withBlanks((rng) => `${rng.pick(['http', 'https', 'HTTP'])}://${rng.pick(['127.0.0.1', 'localhost'])}:${LOCAL_PORT(rng)}${rng.pick(['', '/', '/otlp'])}`),
  invalid: (rng) => rng.pick<Draw>([junk, () => 'localhost:4317', () => 'ftp://127.0.0.1:1', () => '://nohost', () => 'http//127.0.0.1:1'])(rng),
});

const anyTextSpec = (name: string, draw: Draw = (rng) => rng.pick<Draw>([randomText, junk, (r) => r.pick(UNICODE)])(rng)): VariableSpec => ({ name, valid: withBlanks(draw) });

const samplingRulesSpec: VariableSpec = {
  name: 'CUSTOM_OTEL_SAMPLING_RULES',
  valid: withBlanks((rng) => rng.sample(['GET /api=0.5', '/static=0', 'POST *=1', '* /hello=1', '/=0.25'], rng.int(1, 3)).join(',')),
  invalid: (rng) => rng.pick<Draw>([junk, () => 'GET /api=2', () => 'api=0.5', () => 'GET POST /x=1', () => '/a=0.5,/b=-1', () => '/a=half'])(rng),
};

const dropRulesSpec: VariableSpec = {
  name: 'CUSTOM_OTEL_DROP_SPANS',
  valid: withBlanks((rng) => rng.sample(['name=GET /metrics', 'http.route=/internal*&http.request.method=GET', 'db.system=redis'], rng.int(1, 3)).join(',')),
  invalid: (rng) => rng.pick<Draw>([(r) => `x${randomText(r, 'abcdef')}`, () => 'name=', () => 'a=1&b', () => '=x', () => 'name=x&&y=z'])(rng),
};

const spanNameRulesSpec: VariableSpec = {
  name: 'CUSTOM_OTEL_SPAN_NAME_RULES',
  valid: withBlanks((rng) => rng.sample(['GET /users/:id', 'POST /orders/:id/items', '/static/*', '* /'], rng.int(1, 3)).join(',')),
  invalid: (rng) => rng.pick<Draw>([(r) => `x${randomText(r, 'abcdef')}`, () => 'GET users/:id', () => '/a/*/b', () => 'GET POST /x', () => '/a/:'])(rng),
};

const INSTRUMENTATIONS = ['http', 'express', 'pino', 'dns', 'net', 'fs', 'pg', 'mysql2', '@opentelemetry/instrumentation-express'];
const instrumentationListSpec = (name: string): VariableSpec => ({
  name,
  valid: withBlanks((rng) => rng.sample(INSTRUMENTATIONS, rng.int(1, 3)).join(',')),
  invalid: (rng) => [...rng.sample(INSTRUMENTATIONS, rng.int(0, 2)), `no-such-${randomText(rng, 'abcdefgh')}`].join(','),
});

/**
 * Where the test draws differently from what the row's type alone says: to keep
 * the app safe (no files, no privileged ports, never excluding the app itself),
 * or because the variable has a grammar of its own.
 */
const OVERRIDES: Record<string, (name: string) => VariableSpec> = {
  // ('file' is left out so no case writes files.) Two cases at a time may want
  // the same Prometheus port: the second gets one warning and serves on.
  OTEL_METRICS_EXPORTER: (name) => listOfSpec(name, METRICS_EXPORTER.allowed.filter((exporter) => exporter !== 'file')),
  OTEL_EXPORTER_PROMETHEUS_PORT: (name) => numberSpec(name, 20_000, PROMETHEUS_PORT.limits.max, false),
  // Test traffic stays on this machine.
  OTEL_EXPORTER_PROMETHEUS_HOST: (name) => anyTextSpec(name, (rng) => rng.pick(['127.0.0.1', 'localhost'])),
  OTEL_EXPORTER_OTLP_HEADERS: headersSpec,
  OTEL_NODE_ENABLED_INSTRUMENTATIONS: instrumentationListSpec,
  OTEL_NODE_DISABLED_INSTRUMENTATIONS: instrumentationListSpec,
  CUSTOM_OTEL_SAMPLING_RULES: () => samplingRulesSpec,
  CUSTOM_OTEL_DROP_SPANS: () => dropRulesSpec,
  CUSTOM_OTEL_SPAN_NAME_RULES: () => spanNameRulesSpec,
  CUSTOM_OTEL_HTTP_CAPTURE_HEADERS: (name) => anyTextSpec(name, (rng) => rng.sample(['authorization', 'user-agent', 'x-request-id', 'X-Mixed-Case', 'accept'], rng.int(1, 3)).join(',')),
  // An OpAMP server on a closed local port (the app serves on, told once); anything not an http(s) URL is invalid.
  CUSTOM_OTEL_OPAMP_ENDPOINT: (name) => ({
    name,
    valid: withBlanks((rng) => padded(`http://127.0.0.1:${LOCAL_PORT(rng)}/v1/opamp`, rng)),
    invalid: (rng) => (rng.chance(0.2) ? `ftp://127.0.0.1:${LOCAL_PORT(rng)}/` : junk(rng)),
  }),
  // Never the app's own command name ("server"), which would switch us off.
  CUSTOM_OTEL_EXCLUDE_COMMANDS: (name) => anyTextSpec(name, (rng) => rng.sample(['npm', 'npx', 'yarn', 'my-cli', 'worker'], rng.int(1, 3)).join(',')),
};

/** Rows left out, and why. */
export const NOT_DRAWN: Record<string, string> = {
  [METRICS_FILE.name]: 'it makes the app write a file',
  [CONFIG_FILE.name]: 'a configuration file replaces the whole environment (tested in test/unit/config-file.test.ts and test/matrix/config-file.test.ts)',
  ...Object.fromEntries([OPAMP_CERTIFICATE, OPAMP_CLIENT_CERTIFICATE, OPAMP_CLIENT_KEY].map((row) => [row.name, 'read when OpAMP starts; a file that cannot be read turns OpAMP off with its own line'])),
  ...Object.fromEntries(ALL_SETTINGS.filter((row) => row.readBy === 'exporter').map((row) => [row.name, 'read by the SDK\'s OTLP exporters when they connect, not checked at start'])),
};

/** The spec of one variable of a row, from the row's type and limits. */
function specOf(row: Setting, name: string): VariableSpec {
  const override = OVERRIDES[row.name];
  if (override) return override(name);
  switch (row.type) {
    case 'boolean': return booleanSpec(name);
    case 'number': return numberSpec(name, row.limits.min, row.limits.max, row.limits.fractional === true);
    case 'oneOf': return oneOfSpec(name, row.allowed);
    case 'listOf': return listOfSpec(name, row.allowed);
    case 'keyValues': return keyValueSpec(name);
    case 'url': return urlSpec(name);
    case 'text':
    case 'list': return anyTextSpec(name);
    default: throw new Error(`${row.name}: no way to draw a ${row.type} setting; add an override or a NOT_DRAWN reason`);
  }
}

export const VARIABLES: readonly VariableSpec[] = ALL_SETTINGS.filter((row) => !(row.name in NOT_DRAWN)).flatMap((row) => variablesOf(row).map((name) => specOf(row, name)));

export interface RandomEnvironment {
  seed: number;
  env: Record<string, string>;
  validity: Record<string, Validity>;
}

/** One environment per seed, so any case can be replayed alone. */
export function randomEnvironment(seed: number): RandomEnvironment {
  const rng = new SeededRandom(seed);
  const env: Record<string, string> = {};
  const validity: Record<string, Validity> = {};
  for (const spec of rng.sample(VARIABLES, rng.int(3, 10))) {
    const bad = spec.invalid !== undefined && rng.chance(0.5);
    env[spec.name] = bad ? spec.invalid!(rng) : spec.valid(rng);
    validity[spec.name] = bad ? 'invalid' : 'valid';
  }
  return { seed, env, validity };
}

const INSTRUMENTATION_VARIABLES = ['OTEL_NODE_ENABLED_INSTRUMENTATIONS', 'OTEL_NODE_DISABLED_INSTRUMENTATIONS'];
const RATIO_SAMPLERS = ['traceidratio', 'parentbased_traceidratio'];

export interface ExpectedWarnings {
  /** Variables that must each be named by exactly one `NAME=... is invalid` warning. */
  named: string[];
  /** Whether the one shared warning about unknown instrumentation names must appear. */
  unknownInstrumentations: boolean;
}

const TRUE_VALUES = ['true', '1', 'yes', 'on'];

/**
 * What the rules say must be warned about. `env` is everything the app gets
 * (the operator's base variables, all valid, and the random ones over them).
 */
export function expectedWarnings(env: Record<string, string>, validity: Record<string, Validity>): ExpectedWarnings {
  const validValue = (name: string) => (validity[name] === 'invalid' ? undefined : env[name]?.trim().toLowerCase());
  const level = validValue('OTEL_LOG_LEVEL');
  if (level === 'none' || level === 'error') return { named: [], unknownInstrumentations: false };
  const sampler = validValue('OTEL_TRACES_SAMPLER');
  const ratioSampler = sampler !== undefined && RATIO_SAMPLERS.includes(sampler);
  // With the SDK disabled, start-up stops after the configuration warnings.
  const disabled = TRUE_VALUES.includes(validValue('OTEL_SDK_DISABLED') ?? '');
  const invalid = Object.keys(validity).filter((name) => validity[name] === 'invalid');
  return {
    named: invalid.filter((name) => !INSTRUMENTATION_VARIABLES.includes(name) && (name !== 'OTEL_TRACES_SAMPLER_ARG' || ratioSampler) && generalFormRead(name, env, validity)),
    unknownInstrumentations: !disabled && invalid.some((name) => INSTRUMENTATION_VARIABLES.includes(name)),
  };
}

const SIGNALS = ['TRACES', 'METRICS', 'LOGS'];

/**
 * A general OTLP variable is read for the signals that have no form of their
 * own (an invalid per-signal endpoint falls back to the general one too);
 * headers are always merged. Any other variable is always read.
 */
function generalFormRead(name: string, env: Record<string, string>, validity: Record<string, Validity>): boolean {
  const match = /^OTEL_EXPORTER_OTLP_(ENDPOINT|PROTOCOL|TIMEOUT|COMPRESSION)$/.exec(name);
  if (!match) return true;
  return SIGNALS.some((signal) => {
    const own = `OTEL_EXPORTER_OTLP_${signal}_${match[1]}`;
    return (env[own] ?? '').trim() === '' || (match[1] === 'ENDPOINT' && validity[own] === 'invalid');
  });
}
