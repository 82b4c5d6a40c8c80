/** Command line of bench/run.ts and the run lengths it implies (pure). */

export interface BenchProfile {
  name: 'full' | 'quick';
  startup: { warmupRounds: number; rounds: number; settleMs: number };
  throughput: {
    connections: number;
    /** Saturated runs: as many requests as the server takes. */
    durationSeconds: number;
    warmupSeconds: number;
    rounds: number;
    /** Runs at the fixed offered load (fixed-load.ts), the same for every variant. */
    fixedLoadSeconds: number;
    fixedLoadWarmupSeconds: number;
    fixedLoadRounds: number;
  };
  tree: { warmupRounds: number; rounds: number };
  micro: { spansPerRound: number; warmupRounds: number; rounds: number };
  exportLoop: { durationMs: number; rounds: number };
}

export interface BenchOptions {
  majors: number[];
  profile: BenchProfile;
  /** Where the Markdown report goes; undefined: bench/RESULTS.md. */
  output: string | undefined;
}

// Node 20 (context through async_hooks) and Node 24 (AsyncContextFrame, the default from 24 on): the two ways context propagates.
export const DEFAULT_MAJORS = [20, 24];

export const FULL: BenchProfile = {
  name: 'full',
  // Six apps, each saturated and then at a fixed load, in about 35 minutes for two majors on 2 cores.
  startup: { warmupRounds: 1, rounds: 8, settleMs: 300 },
  throughput: { connections: 20, durationSeconds: 6, warmupSeconds: 1, rounds: 3, fixedLoadSeconds: 5, fixedLoadWarmupSeconds: 2, fixedLoadRounds: 3 },
  tree: { warmupRounds: 1, rounds: 5 },
  // Rounds of the batch processor's default queue size (span-pipeline-micro.ts says why), ~300,000 spans timed.
  micro: { spansPerRound: 2_048, warmupRounds: 50, rounds: 150 },
  exportLoop: { durationMs: 5_000, rounds: 3 },
};

export const QUICK: BenchProfile = {
  name: 'quick',
  startup: { warmupRounds: 1, rounds: 3, settleMs: 300 },
  throughput: { connections: 20, durationSeconds: 3, warmupSeconds: 1, rounds: 1, fixedLoadSeconds: 3, fixedLoadWarmupSeconds: 1, fixedLoadRounds: 1 },
  // The upstream tree takes seconds per copy; the install just made (or used) it warm in the page cache.
  tree: { warmupRounds: 0, rounds: 3 },
  micro: { spansPerRound: 2_048, warmupRounds: 15, rounds: 25 },
  exportLoop: { durationMs: 2_000, rounds: 1 },
};

export const USAGE = `usage: npm run bench -- [--majors 20,24] [--quick] [--output FILE]
  --majors   comma-separated Node majors to benchmark (default ${DEFAULT_MAJORS.join(',')})
  --quick    short runs (a smoke run of every benchmark, figures are rough)
  --output   Markdown report file (default bench/RESULTS.md)`;

export function parseBenchArgs(argv: readonly string[]): BenchOptions {
  let majors = DEFAULT_MAJORS;
  let quick = false;
  let output: string | undefined;
  const rest = [...argv];
  for (let arg = rest.shift(); arg !== undefined; arg = rest.shift()) {
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => {
      const next = inline ?? rest.shift();
      if (next === undefined || next === '') throw new Error(`${flag} needs a value\n${USAGE}`);
      return next;
    };
    if (flag === '--quick' && inline === undefined) quick = true;
    else if (flag === '--majors') majors = parseMajors(value());
    else if (flag === '--output') output = value();
    else throw new Error(`unknown argument "${arg}"\n${USAGE}`);
  }
  return { majors, profile: quick ? QUICK : FULL, output };
}

export function parseMajors(text: string): number[] {
  const majors = text.split(',').map((part) => part.trim()).filter(Boolean);
  const bad = majors.filter((part) => !/^\d+$/.test(part));
  if (majors.length === 0 || bad.length > 0) throw new Error(`--majors must be comma-separated Node majors like 20,24; got "${text}"`);
  return [...new Set(majors.map(Number))];
}
