// Kubernetes resource quantities as the API server stores them: parsed and
// printed in canonical form (resource.Quantity's String()), so `0.5Gi` is
// stored as `512Mi`, `1000m` as `1`, `0.5` as `500m`.

const BINARY: Record<string, number> = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5, Ei: 6 };
const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const DECIMAL_SUFFIX: Record<number, string> = Object.fromEntries(Object.entries(DECIMAL).map(([suffix, exponent]) => [exponent, suffix]));
const QUANTITY = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?\d+)?$/;

/** A decimal as an exact integer times a power of ten: "0.50" → [5n, -1]. */
function exact(digits: string): [bigint, number] {
  const [whole = '', fraction = ''] = digits.split('.');
  const trimmed = fraction.replace(/0+$/, '');
  return [BigInt((whole + trimmed).replace(/^0+(?=\d)/, '') || '0'), -trimmed.length];
}

function decimalForm(sign: string, mantissa: bigint, exponent: number, exponentStyle: boolean): string {
  if (mantissa === 0n) return '0';
  // Smallest unit is 1n (10^-9): anything finer rounds up, as Kubernetes does.
  if (exponent < -9) {
    const scale = 10n ** BigInt(-9 - exponent);
    mantissa = (mantissa + scale - 1n) / scale;
    exponent = -9;
  }
  // The largest exponent, a multiple of 3, that keeps the mantissa whole.
  while (exponent % 3 !== 0) {
    mantissa *= 10n;
    exponent -= 1;
  }
  while (mantissa % 1000n === 0n && exponent < 18) {
    mantissa /= 1000n;
    exponent += 3;
  }
  const suffix = exponentStyle ? (exponent === 0 ? '' : `e${exponent}`) : DECIMAL_SUFFIX[exponent] ?? `e${exponent}`;
  return `${sign}${mantissa}${suffix}`;
}

/** The stored form of a quantity, or undefined when it is not one (the CRD schema refuses it first). */
export function canonicalQuantity(value: string | number): string | undefined {
  const match = QUANTITY.exec(String(value).trim());
  if (!match) return undefined;
  const sign = match[1] === '-' ? '-' : '';
  const suffix = match[3] ?? '';
  const [mantissa, exponent] = exact(match[2]!);
  if (suffix in BINARY) {
    // The value in bytes as a fraction; a whole number of at least 1Ki keeps a binary suffix, anything else prints in decimal.
    const numerator = mantissa * 1024n ** BigInt(BINARY[suffix]!) * 10n ** BigInt(Math.max(exponent, 0));
    const denominator = 10n ** BigInt(Math.max(-exponent, 0));
    if (numerator % denominator !== 0n) return decimalForm(sign, numerator, Math.min(exponent, 0), false);
    const bytes = numerator / denominator;
    if (bytes < 1024n) return decimalForm(sign, bytes, 0, false);
    let power = 0;
    let amount = bytes;
    while (amount % 1024n === 0n && power < 6) {
      amount /= 1024n;
      power += 1;
    }
    return `${sign}${amount}${['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'][power]}`;
  }
  if (/^[eE]/.test(suffix)) return decimalForm(sign, mantissa, exponent + Number(suffix.slice(1)), true);
  return decimalForm(sign, mantissa, exponent + DECIMAL[suffix]!, false);
}
