/**
 * A benchmark script bundled as the distribution is (esbuild, CommonJS,
 * packages resolved as Node's require resolves them), so a micro-benchmark
 * times the code a pod runs. Under tsx every imported value is read through
 * an export getter, which the shipped bundle does not have; in the span
 * pipeline's micro-benchmark those getters were ~60-140 ns of a span's
 * processing on Node 20.
 */
import { build } from 'esbuild';
import { mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { REPO } from '../scripts/stage';

/** Bundles `entry` (a .ts file of bench/) into .stage/bench/scripts and returns the bundle's path. */
export async function bundleScript(entry: string): Promise<string> {
  const dir = join(REPO, '.stage', 'bench', 'scripts');
  mkdirSync(dir, { recursive: true });
  const outfile = join(dir, basename(entry).replace(/\.ts$/, '.cjs'));
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    logLevel: 'warning',
    // As tools/bundle/bundle.mjs resolves packages (see its comment on `conditions`).
    mainFields: ['main', 'module'],
    conditions: [],
  });
  return outfile;
}
