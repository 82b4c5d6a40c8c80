/**
 * Puts every package the image build installs into the host's npm cache.
 *
 * Why: `./build-multi-version.ts --offline` hands the host npm cache
 * (`npm config get cache`) to the build as its only package source. Staging
 * (`--stage-only`) fills that cache only when it really installs, and it
 * skips the install when its own per-lockfile install cache is warm, so a
 * machine whose npm cache was cleaned would fail the offline build for a
 * reason that has nothing to do with the build. `npm ci --prefer-offline`
 * of each lockfile fetches only what the cache lacks.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand } from './docker';
import { REPO_ROOT } from './repo';

/** The lockfiles the Dockerfile installs from: a major's dependency set (production only) and the bundler. */
export function buildLockfileDirs(majors: readonly number[]): Array<{ dir: string; production: boolean }> {
  return [...majors.map((major) => ({ dir: `node-versions/${major}`, production: true })), { dir: 'tools/bundle', production: false }];
}

export async function primeNpmCache(majors: readonly number[], log: (line: string) => void = () => undefined): Promise<void> {
  for (const { dir, production } of buildLockfileDirs(majors)) {
    const work = mkdtempSync(join(tmpdir(), 'custom-otel-e2e-npm-'));
    try {
      for (const file of ['package.json', 'package-lock.json']) copyFileSync(join(REPO_ROOT, dir, file), join(work, file));
      const args = ['ci', '--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund', ...(production ? ['--omit=dev'] : [])];
      const started = Date.now();
      const result = await runCommand('npm', args, { cwd: work, timeoutMs: 10 * 60_000 });
      if (result.exitCode !== 0) {
        throw new Error(
          `filling the npm cache from ${dir}/package-lock.json failed (npm ${args.join(' ')}, exit ${result.exitCode}); ` +
            `the --offline image build needs those packages in the host npm cache:\n${(result.stdout + result.stderr).slice(-3000)}`,
        );
      }
      log(`npm cache holds ${dir}'s packages (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
}
