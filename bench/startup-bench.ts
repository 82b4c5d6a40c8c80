/**
 * Benchmark 1: start-up. Each run spawns a fresh app process and times it
 * from spawn to the end of its first served HTTP response; after a short
 * settle (the first request's telemetry work done, no export yet) the peak
 * RSS (VmHWM) is read from /proc and the process is killed.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { APPS, APPS_DIR, type AppName } from './apps';
import { runInterleaved } from './interleave';
import { processEnv, type MajorContext } from './major-context';
import type { BenchProfile } from './options';
import { readProcMemory } from './proc-status';
import { startServer } from './server-process';
import { VARIANTS, type Variant } from './variants';

export interface StartupSample {
  firstResponseMs: number;
  peakRssBytes: number;
}

export type StartupResult = Record<Variant, StartupSample[]>;

export async function benchStartup(context: MajorContext, app: AppName, profile: BenchProfile['startup']): Promise<StartupResult> {
  context.log(`node${context.prepared.major} start-up, ${APPS[app].title}: ${profile.warmupRounds} warm-up + ${profile.rounds} rounds of ${VARIANTS.join(' ')}`);
  const results = await runInterleaved(VARIANTS, profile.warmupRounds, profile.rounds, async (variant) => {
    const server = await startServer({ node: context.prepared.node, script: APPS[app].script, cwd: APPS_DIR, env: processEnv(context, variant, app), timeoutMs: 30_000 });
    try {
      await sleep(profile.settleMs);
      const { peakRssBytes } = readProcMemory(server.pid);
      return { firstResponseMs: server.firstResponseMs, peakRssBytes };
    } finally {
      await server.kill();
    }
  });
  context.receiver.clear();
  return results;
}
