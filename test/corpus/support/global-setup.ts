/**
 * The corpus project's set-up: the programs installed from their lockfile
 * (npm ci, so a fresh clone gets exactly the versions the README lists), and
 * for each Node major a program runs on, the newest runtime of that major and
 * our tree staged for it.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { ensureNodeRuntime, resolveNodeVersion } from '../../../scripts/node-runtimes';
import { run, stageMajor, testStageDir } from '../../../scripts/stage';
import { PROGRAMS, PROGRAMS_DIR } from '../programs';

export interface CorpusMajor {
  runtimeDir: string;
  entry: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    corpusMajors: Record<number, CorpusMajor>;
  }
}

export default async function setup(project: TestProject): Promise<void> {
  await ensurePrograms();
  const majors = [...new Set(PROGRAMS.flatMap((p) => p.majors))].sort((a, b) => a - b);
  const provided: Record<number, CorpusMajor> = {};
  for (const major of majors) {
    const runtimeDir = await ensureNodeRuntime(await resolveNodeVersion(major, 'newest'));
    const tree = await stageMajor({ major, outDir: testStageDir('corpus', major), runtimeDir });
    provided[major] = { runtimeDir, entry: join(tree, 'autoinstrumentation.js') };
  }
  project.provide('corpusMajors', provided);
}

/** npm ci of the programs when their lockfile changed since the last install. */
async function ensurePrograms(): Promise<void> {
  const lock = readFileSync(join(PROGRAMS_DIR, 'package-lock.json'));
  const lockfile = JSON.parse(String(lock)) as { packages: Record<string, { hasInstallScript?: boolean }> };
  // Installed with --ignore-scripts: the two install scripts in this tree
  // (@nestjs/core's donation banner, protobufjs's version notice) do nothing
  // the programs need; any other one must be looked at before it is added.
  const allowed = new Set(['node_modules/@nestjs/core', 'node_modules/protobufjs']);
  const unexpected = Object.entries(lockfile.packages).filter(([path, entry]) => entry.hasInstallScript && !allowed.has(path)).map(([path]) => path);
  if (unexpected.length > 0) throw new Error(`test/corpus/programs: packages with install scripts not reviewed: ${unexpected.join(', ')}`);
  const stamp = join(PROGRAMS_DIR, 'node_modules', '.corpus-lock-hash');
  const hash = createHash('sha256').update(lock).digest('hex');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === hash) return;
  const result = await run('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: PROGRAMS_DIR });
  if (result.code !== 0) throw new Error(`npm ci in test/corpus/programs failed (the corpus needs the npm registry once):\n${result.output.slice(-3000)}`);
  writeFileSync(stamp, hash);
}
