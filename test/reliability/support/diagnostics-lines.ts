/** Reading what the distribution said on stderr: its `[custom-otel]` lines and the counts in its summaries. */

export function distributionLines(stderr: string): string[] {
  return stderr.split('\n').filter((line) => line.startsWith('[custom-otel] '));
}

/** Adds up `kind: N` entries of every `in the last minute: ...` summary, by kind. */
export function summaryCounts(stderr: string): Record<string, number> {
  const totals: Record<string, number> = {};
  for (const line of distributionLines(stderr)) {
    const at = line.indexOf('in the last minute: ');
    if (at < 0) continue;
    for (const part of line.slice(at + 'in the last minute: '.length).split('; ')) {
      const colon = part.lastIndexOf(': ');
      const n = Number(part.slice(colon + 2));
      if (colon > 0 && Number.isFinite(n)) totals[part.slice(0, colon)] = (totals[part.slice(0, colon)] ?? 0) + n;
    }
  }
  return totals;
}

/** Lines that occur more than once: a sign of per-span or per-request logging. */
export function repeatedLines(lines: readonly string[]): string[] {
  const seen = new Map<string, number>();
  for (const line of lines) seen.set(line, (seen.get(line) ?? 0) + 1);
  return [...seen].filter(([, n]) => n > 1).map(([line, n]) => `${n}x ${line}`);
}

