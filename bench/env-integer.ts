/** Run lengths of the micro-benchmarks, which the bench passes to them through the environment. */
export function positiveInteger(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name}="${text}" is not a positive integer`);
  return value;
}
