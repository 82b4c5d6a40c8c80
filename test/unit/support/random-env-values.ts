/**
 * Random environment values for fuzzing the configuration: plain and
 * hostile text, numbers of every shape, and fragments of the grammars the
 * variables use (lists, key=value pairs, URLs, rules), mixed and broken.
 */
import { pick, randomInt, type Random } from './seeded-random';

const WORDS = [
  'otlp', 'console', 'none', 'prometheus', 'file', 'grpc', 'http/protobuf', 'http/json', 'gzip', 'GZIP', 'tracecontext', 'baggage',
  'b3', 'b3multi', 'jaeger', 'all', 'env', 'host', 'os', 'process', 'container', 'serviceinstance', 'always_on', 'ALWAYS_OFF',
  'traceidratio', 'parentbased_traceidratio', 'parentbased_always_off', 'debug', 'info', 'warn', 'verbose', 'true', 'False', 'yes',
  'off', 'on', 'no', '1', '0', 'express', 'http', '@opentelemetry/instrumentation-pg', 'npm', 'GET', 'post', '*', '/health', '/api/orders',
  'auto', 'always', 'never', 'name', 'http.route', 'service.name', '__proto__', 'constructor', 'toString', 'hasOwnProperty',
];
const NUMBERS = [
  '0', '-0', '1', '-1', '0.5', '-0.5', '.5', '5.', '+3', '1e3', '1E-3', '-1e9', '1e400', '-1e400', 'NaN', 'Infinity', '-Infinity',
  '0x1F', '0b11', '1_000', '9007199254740993', '99999999999999999999', '65535', '65536', '100', '99', '1023', '1024', '600000', '600001',
  '86400000', '86400001', '60000', '60001', '1.0', '1.5', '2', '0.0001', '١٢', '１２',
];
const URLS = [
  'http://localhost:4317', 'https://collector.example:4318/', 'http://[::1]:4317', 'http://', 'https://', 'ftp://x', 'collector:4317',
  '//collector', 'http://user:pass@host/', 'http://ex ample', 'http://例え.jp', 'javascript:alert(1)', 'http://[::1', 'HTTP://UPPER',
];
const FRAGMENTS = ['=', '==', '&', ',', ',,', ' ', '%', '%2C', '%3D', '%ZZ', '%E0%A4%A', '%C3%A9', '%00', '*', '?', '#', '"', '\\', '\n', '\t', '\0'];
const SEPARATORS = [',', '=', '&', ' ', ', ', '=,', '%', '', ' = ', '&&', ',='];

export function randomValue(random: Random): string {
  const roll = random();
  if (roll < 0.04) return '';
  if (roll < 0.07) return pick(random, [' ', '\t', '\n', '  \r\n ']);
  if (roll < 0.073) return hugeValue(random);
  if (roll < 0.2) return randomAscii(random, randomInt(random, 40));
  if (roll < 0.3) return randomUnicode(random, randomInt(random, 20));
  if (roll < 0.45) return pick(random, NUMBERS);
  if (roll < 0.55) return pick(random, WORDS);
  if (roll < 0.62) return pick(random, URLS);
  return composite(random);
}

/** Tokens of any kind joined by grammar separators: malformed lists, pairs and rules. */
function composite(random: Random): string {
  const parts: string[] = [];
  const count = 1 + randomInt(random, 8);
  for (let i = 0; i < count; i++) {
    const kind = randomInt(random, 6);
    parts.push(
      kind === 0 ? pick(random, WORDS)
        : kind === 1 ? pick(random, NUMBERS)
          : kind === 2 ? pick(random, URLS)
            : kind === 3 ? pick(random, FRAGMENTS)
              : kind === 4 ? randomUnicode(random, randomInt(random, 5))
                : randomAscii(random, randomInt(random, 8)),
    );
    if (i < count - 1) parts.push(pick(random, SEPARATORS));
  }
  return parts.join('');
}

/** 100 KB: a random block or grammar fragment repeated (cheap to build, as hard to parse). */
function hugeValue(random: Random): string {
  const size = 100 * 1024;
  const unit = (random() < 0.5 ? randomAscii(random, 4096) : composite(random)) || 'x';
  return unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
}

function randomAscii(random: Random, length: number): string {
  let text = '';
  for (let i = 0; i < length; i++) text += String.fromCharCode(32 + randomInt(random, 95));
  return text;
}

/** Any UTF-16 code unit sequence, lone surrogates and control characters included. */
function randomUnicode(random: Random, length: number): string {
  let text = '';
  for (let i = 0; i < length; i++) {
    const roll = random();
    if (roll < 0.3) text += String.fromCodePoint(0x1f300 + randomInt(random, 0x300));
    else if (roll < 0.4) text += String.fromCharCode(0xd800 + randomInt(random, 0x800));
    else if (roll < 0.5) text += String.fromCharCode(randomInt(random, 32));
    else text += String.fromCharCode(0xa0 + randomInt(random, 0xd700 - 0xa0));
  }
  return text;
}
