/**
 * What the ESM loader hook costs an ES-module app at start-up: bare, ours with
 * the in-thread hooks (module.registerHooks, where the runtime has them) and
 * ours with the loader thread (module.register; the same staged tree without
 * IITM's register-hooks.mjs, which is what makes ours fall back to it).
 * Spawn → first response and peak RSS, interleaved. Not part of `npm run bench`:
 *
 *   npx tsx bench/esm-loader-bench.ts [--major 22] [--rounds 10]
 */
import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { OtlpReceiver } from '../test/support/otlp-receiver';
import { APPS, APPS_DIR } from './apps';
import { runInterleaved } from './interleave';
import { processEnv, type MajorContext } from './major-context';
import { prepareMajor } from './prepare-major';
import { readProcMemory } from './proc-status';
import { startServer } from './server-process';
import { median } from './statistics';

const CASES = ['bare', 'ours, in-thread hooks', 'ours, loader thread'] as const;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { major: { type: 'string', default: '22' }, rounds: { type: 'string', default: '10' } } });
  const major = Number(values.major);
  const rounds = Number(values.rounds);
  const log = (line: string) => process.stderr.write(`[esm-loader] ${line}\n`);
  const prepared = await prepareMajor(major, log);
  const threadTree = `${prepared.tree}-loader-thread`;
  rmSync(threadTree, { recursive: true, force: true });
  cpSync(prepared.tree, threadTree, { recursive: true });
  rmSync(join(threadTree, 'lib/node_modules/import-in-the-middle/register-hooks.mjs'));
  const receiver = await OtlpReceiver.start();
  const context: MajorContext = { prepared, receiver, log };
  const hookOf = { 'ours, in-thread hooks': 'in-thread hooks', 'ours, loader thread': 'loader thread' } as const;
  try {
    const results = await runInterleaved(CASES, 1, rounds, async (name) => {
      const env = processEnv(context, name === 'bare' ? 'bare' : 'ours', 'esm');
      if (name === 'ours, loader thread') env.NODE_OPTIONS = ` --require ${join(threadTree, 'autoinstrumentation.js')}`;
      const server = await startServer({ node: prepared.node, script: APPS['express-esm'].script, cwd: APPS_DIR, env, timeoutMs: 30_000 });
      try {
        await sleep(300);
        if (name !== 'bare' && !server.stderr().includes(`ESM hook registered (${hookOf[name]})`)) {
          throw new Error(`${name}: the app did not report "ESM hook registered (${hookOf[name]})":\n${server.stderr().slice(-2000)}`);
        }
        return { ms: server.firstResponseMs, mib: readProcMemory(server.pid).peakRssBytes / 2 ** 20 };
      } finally {
        await server.kill();
      }
    });
    const bare = { ms: median(results.bare.map((r) => r.ms)), mib: median(results.bare.map((r) => r.mib)) };
    process.stdout.write(`express hello-world as an ES module, Node ${prepared.nodeVersion}, median of ${rounds} interleaved runs:\n\n`);
    process.stdout.write('| case | spawn → first response (ms) | added (ms) | peak RSS (MiB) | added (MiB) |\n| --- | --- | --- | --- | --- |\n');
    for (const name of CASES) {
      const ms = median(results[name].map((r) => r.ms));
      const mib = median(results[name].map((r) => r.mib));
      process.stdout.write(`| ${name} | ${ms.toFixed(1)} | ${(ms - bare.ms).toFixed(1)} | ${mib.toFixed(1)} | ${(mib - bare.mib).toFixed(1)} |\n`);
    }
  } finally {
    await receiver.close();
    rmSync(threadTree, { recursive: true, force: true });
  }
}

main().catch((error: Error) => {
  process.stderr.write(`esm-loader-bench: ${error.stack ?? error.message}\n`);
  process.exitCode = 1;
});
