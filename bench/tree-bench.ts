/**
 * Benchmark 3: the tree an init container copies into the app's volume. Ours
 * is the staged tree; upstream's is the node_modules of its installed set
 * (what the stock image carries). Size, file count, and the wall time of
 * `cp -r` into an empty directory.
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { runInterleaved } from './interleave';
import type { MajorContext } from './major-context';
import type { BenchProfile } from './options';

export const TREE_VARIANTS = ['ours', 'upstream'] as const;
export type TreeVariant = (typeof TREE_VARIANTS)[number];

export interface TreeFigures {
  path: string;
  /** Sum of the regular files' sizes. */
  bytes: number;
  files: number;
  copyMs: number[];
}

export type TreeResult = Record<TreeVariant, TreeFigures>;

export async function measureTree(root: string): Promise<{ bytes: number; files: number }> {
  let bytes = 0;
  let files = 0;
  const walk = async (dir: string): Promise<void> => {
    for (const dirent of await fs.readdir(dir, { withFileTypes: true })) {
      const path = join(dir, dirent.name);
      if (dirent.isDirectory()) await walk(path);
      else if (dirent.isFile()) {
        files++;
        bytes += (await fs.lstat(path)).size;
      }
    }
  };
  await walk(root);
  return { bytes, files };
}

function timedCopy(from: string, to: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    execFile('cp', ['-r', from, to], (error, _stdout, stderr) => {
      const elapsed = performance.now() - started;
      if (error) reject(new Error(`cp -r ${from} ${to} failed: ${stderr || error.message}`));
      else resolve(elapsed);
    });
  });
}

export async function benchTree(context: MajorContext, profile: BenchProfile['tree']): Promise<TreeResult> {
  const paths: Record<TreeVariant, string> = { ours: context.prepared.tree, upstream: join(context.prepared.upstream.dir, 'node_modules') };
  context.log(`node${context.prepared.major} tree: ${profile.warmupRounds} warm-up + ${profile.rounds} rounds of cp -r, ours and upstream`);
  const scratch = await fs.mkdtemp(join(tmpdir(), 'bench-tree-'));
  try {
    const copies = await runInterleaved(TREE_VARIANTS, profile.warmupRounds, profile.rounds, async (variant, run) => {
      const target = join(scratch, `${variant}-${run.round}`);
      const elapsed = await timedCopy(paths[variant], target);
      await fs.rm(target, { recursive: true, force: true });
      return elapsed;
    });
    const result = {} as TreeResult;
    for (const variant of TREE_VARIANTS) result[variant] = { path: paths[variant], ...(await measureTree(paths[variant])), copyMs: copies[variant] };
    return result;
  } finally {
    await fs.rm(scratch, { recursive: true, force: true });
  }
}
