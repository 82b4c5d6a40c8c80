/**
 * Runs that compare variants alternate between them (A B C A B C ...), so a
 * drift of the machine (another process, thermal state, page cache) touches
 * every variant alike instead of whichever happened to run last.
 */
export interface ScheduledRun<V> {
  variant: V;
  round: number;
  /** Warm-up runs are executed and discarded. */
  warmup: boolean;
}

export function interleavedSchedule<V>(variants: readonly V[], warmupRounds: number, rounds: number): ScheduledRun<V>[] {
  const schedule: ScheduledRun<V>[] = [];
  for (let round = 0; round < warmupRounds + rounds; round++) {
    for (const variant of variants) schedule.push({ variant, round, warmup: round < warmupRounds });
  }
  return schedule;
}

/** Executes the schedule in order and returns the measured (non-warm-up) results per variant. */
export async function runInterleaved<V extends string, R>(
  variants: readonly V[],
  warmupRounds: number,
  rounds: number,
  runOne: (variant: V, run: ScheduledRun<V>) => Promise<R>,
): Promise<Record<V, R[]>> {
  const results = Object.fromEntries(variants.map((v) => [v, [] as R[]])) as Record<V, R[]>;
  for (const run of interleavedSchedule(variants, warmupRounds, rounds)) {
    const result = await runOne(run.variant, run);
    if (!run.warmup) results[run.variant].push(result);
  }
  return results;
}
