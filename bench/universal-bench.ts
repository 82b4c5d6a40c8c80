/**
 * The universal image against the per-major ones (not part of `npm run bench`):
 *   npx tsx bench/universal-bench.ts [--majors 20,22] [--rounds 15]
 *     [--universal-image custom-otel-autoinstrumentation-nodejs:1.0.0 --per-major-image custom-otel-autoinstrumentation-nodejs:1.0.0-node20]
 * 1. what the selection costs at start-up: in fresh processes, the time to
 *    require the universal entry when every tree's entry is an empty module,
 *    against requiring such an empty module directly (same Node, interleaved);
 * 2. start-up of the express hello-world under the universal tree vs the
 *    per-major tree of the same major (spawn → first response, interleaved);
 * 3. the trees: files, bytes (identical files once, as the image layer stores
 *    them, and as `cp -r` writes them into the pod's volume), `cp -r` time;
 *    with --universal-image/--per-major-image, the images' sizes and the init
 *    container as the operator runs it (`docker run` of the image's own
 *    `cp -r /autoinstrumentation/. <volume>` as uid 65532, read-only, 64 MiB).
 * Trees are staged into .stage/bench-universal/ (scripts/stage.ts,
 * scripts/universal.ts); runtimes come from the runtime cache.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, promises as fs, readdirSync, rmSync, statSync, writeFileSync, copyFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { OtlpReceiver } from '../test/support/otlp-receiver';
import { ensureNodeRuntime, resolveNodeVersion } from '../scripts/node-runtimes';
import { REPO, stageMajor } from '../scripts/stage';
import { assembleUniversalTree } from '../scripts/build/universal';
import { readVersions } from '../scripts/versions';
import { APPS, APPS_DIR } from './apps';
import { runInterleaved } from './interleave';
import { startServer } from './server-process';
import { median } from './statistics';
import { variantEnv } from './variants';

const { values } = parseArgs({
  options: { majors: { type: 'string' }, rounds: { type: 'string' }, 'universal-image': { type: 'string' }, 'per-major-image': { type: 'string' } },
});
const rounds = Number(values.rounds ?? 15);
const versions = readVersions();
const benchMajors = values.majors ? values.majors.split(',').map(Number) : [20, 22];
const STAGE = join(REPO, '.stage', 'bench-universal');
const log = (line: string) => process.stderr.write(`[universal-bench] ${line}\n`);

function treeFigures(root: string): { files: number; bytes: number; storedBytes: number } {
  const inodes = new Set<number>();
  let files = 0;
  let bytes = 0;
  let storedBytes = 0;
  const walk = (dir: string) => {
    for (const item of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, item.name);
      if (item.isDirectory()) walk(path);
      else {
        const stat = statSync(path);
        files++;
        bytes += stat.size;
        if (!inodes.has(stat.ino)) storedBytes += stat.size;
        inodes.add(stat.ino);
      }
    }
  };
  walk(root);
  return { files, bytes, storedBytes };
}

function timedCopy(from: string, to: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    execFile('cp', ['-r', `${from}/.`, to], (error, _out, stderr) => (error ? reject(new Error(stderr || error.message)) : resolve(performance.now() - started)));
  });
}

/** Wall time of the init container's copy, container start included, as the operator runs it. */
function timedInitContainer(image: string, volume: string): number {
  const started = performance.now();
  execFileSync('docker', ['run', '--rm', '--network', 'none', '--user', '65532:65532', '--read-only', '--cap-drop', 'ALL', '--memory', '64m',
    '--volume', `${volume}:/otel-auto-instrumentation-nodejs`, image, 'cp', '-r', '/autoinstrumentation/.', '/otel-auto-instrumentation-nodejs'], { stdio: 'ignore' });
  return performance.now() - started;
}

/**
 * One fresh process: wall and CPU microseconds to require `file`, measured
 * inside it (process start-up itself excluded). CPU time is the figure a busy
 * machine disturbs least: waiting for a core does not count.
 */
function requireMicros(node: string, file: string): { wall: number; cpu: number } {
  const script =
    `const c=process.cpuUsage(),t=process.hrtime();require(${JSON.stringify(file)});` +
    `const d=process.hrtime(t),u=process.cpuUsage(c);process.stdout.write(JSON.stringify({wall:d[0]*1e6+d[1]/1e3,cpu:u.user+u.system}))`;
  return JSON.parse(execFileSync(node, ['-e', script], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } }));
}

async function main(): Promise<void> {
  const runtimes = new Map<number, string>();
  for (const entry of versions) {
    runtimes.set(entry.major, await ensureNodeRuntime(await resolveNodeVersion(entry.major, 'newest')));
    log(`staging node${entry.major}`);
    await stageMajor({ major: entry.major, outDir: join(STAGE, 'trees', `node${entry.major}`), runtimeDir: runtimes.get(entry.major) });
  }
  const universal = join(STAGE, 'universal');
  log(await assembleUniversalTree(join(STAGE, 'trees'), versions.map((v) => v.major), universal));

  // 3. The trees.
  const perMajor = versions.map((v) => ({ major: v.major, ...treeFigures(join(STAGE, 'trees', `node${v.major}`)) }));
  const universalFigures = treeFigures(universal);
  const scratch = mkdtempSync(join(tmpdir(), 'universal-bench-'));
  const copyMs = await runInterleaved(['universal', 'node20'] as const, 2, rounds, async (variant, run) => {
    const target = join(scratch, `${variant}-${run.round}`);
    mkdirSync(target);
    const ms = await timedCopy(variant === 'universal' ? universal : join(STAGE, 'trees', 'node20'), target);
    rmSync(target, { recursive: true, force: true });
    return ms;
  });

  const images = { universal: values['universal-image'], 'per-major': values['per-major-image'] };
  let imageLines: string[] = [];
  if (images.universal && images['per-major']) {
    const initMs = await runInterleaved(['universal', 'per-major'] as const, 1, rounds, async (variant) => {
      const volume = join(scratch, `volume-${variant}`);
      mkdirSync(volume, { mode: 0o777 });
      execFileSync('chmod', ['777', volume]);
      const ms = timedInitContainer(images[variant]!, volume);
      rmSync(volume, { recursive: true, force: true });
      return ms;
    });
    const size = (image: string) => Number(execFileSync('docker', ['image', 'inspect', '--format', '{{.Size}}', image], { encoding: 'utf8' }).trim());
    imageLines = [
      '',
      '| image | size | init container (docker run of its cp -r, uid 65532, read-only, 64 MiB), median |',
      '|---|---|---|',
      ...(['universal', 'per-major'] as const).map((v) => `| ${images[v]} | ${(size(images[v]!) / 1e6).toFixed(2)} MB | ${median(initMs[v]).toFixed(0)} ms |`),
    ];
  }

  // 1. The selection: the universal entry with empty trees, against an empty module.
  const emptyTrees = join(scratch, 'empty-trees');
  mkdirSync(emptyTrees);
  copyFileSync(join(universal, 'autoinstrumentation.js'), join(emptyTrees, 'autoinstrumentation.js'));
  for (const v of versions) {
    mkdirSync(join(emptyTrees, `node${v.major}`));
    writeFileSync(join(emptyTrees, `node${v.major}`, 'autoinstrumentation.js'), 'module.exports = 0;\n');
  }
  const selection: Array<{ major: number; wall: Record<'universal' | 'direct', number>; cpu: Record<'universal' | 'direct', number> }> = [];
  for (const major of benchMajors) {
    const node = join(runtimes.get(major)!, 'bin', 'node');
    const samples = await runInterleaved(['universal', 'direct'] as const, 3, rounds * 4, async (variant) =>
      requireMicros(node, variant === 'universal' ? join(emptyTrees, 'autoinstrumentation.js') : join(emptyTrees, `node${major}`, 'autoinstrumentation.js')),
    );
    const of = (key: 'wall' | 'cpu') => ({ universal: median(samples.universal.map((s) => s[key])), direct: median(samples.direct.map((s) => s[key])) });
    selection.push({ major, wall: of('wall'), cpu: of('cpu') });
  }

  // 2. Start-up of an app, universal vs per-major tree.
  const receiver = await OtlpReceiver.start();
  const startup: Array<{ major: number; universalMs: number; perMajorMs: number }> = [];
  try {
    for (const major of benchMajors) {
      const runtimeDir = runtimes.get(major)!;
      const entries = { universal: join(universal, 'autoinstrumentation.js'), 'per-major': join(STAGE, 'trees', `node${major}`, 'autoinstrumentation.js') };
      log(`node${major} start-up: 2 warm-up + ${rounds} rounds, universal and per-major`);
      const samples = await runInterleaved(['universal', 'per-major'] as const, 2, rounds, async (variant) => {
        const env = variantEnv('ours', { oursEntry: entries[variant], upstreamRegister: '', endpoint: receiver.grpcUrl }, `bench-${variant}`, {
          PATH: [join(runtimeDir, 'bin'), process.env.PATH].join(':'),
          HOME: process.env.HOME ?? '/root',
        });
        const server = await startServer({ node: join(runtimeDir, 'bin', 'node'), script: APPS.express.script, cwd: APPS_DIR, env, timeoutMs: 30_000 });
        await server.kill();
        return server.firstResponseMs;
      });
      startup.push({ major, universalMs: median(samples.universal), perMajorMs: median(samples['per-major']) });
    }
  } finally {
    await receiver.close();
    rmSync(scratch, { recursive: true, force: true });
  }

  const commit = execFileSync('git', ['-C', REPO, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  const ms = (micros: number) => `${(micros / 1000).toFixed(3)} ms`;
  const sum = (key: 'files' | 'bytes') => perMajor.reduce((total, tree) => total + tree[key], 0);
  const lines = [
    `## Universal vs per-major (git ${commit}, ${new Date().toISOString()}, ${cpus().length} cores, load ${loadavg().map((l) => l.toFixed(1)).join(' ')})`,
    '',
    `Command: npx tsx bench/universal-bench.ts ${process.argv.slice(2).join(' ')}`.trimEnd(),
    '',
    '| tree | files | bytes | bytes stored (identical files once) |',
    '|---|---|---|---|',
    ...perMajor.map((t) => `| node${t.major} | ${t.files} | ${t.bytes.toLocaleString('en')} | ${t.storedBytes.toLocaleString('en')} |`),
    `| the ${perMajor.length} per-major trees together | ${sum('files')} | ${sum('bytes').toLocaleString('en')} | |`,
    `| universal | ${universalFigures.files} | ${universalFigures.bytes.toLocaleString('en')} | ${universalFigures.storedBytes.toLocaleString('en')} |`,
    '',
    `\`cp -r\` into an empty directory, median of ${rounds}: universal ${median(copyMs.universal).toFixed(1)} ms, node20 tree ${median(copyMs.node20).toFixed(1)} ms`,
    ...imageLines,
    '',
    `Selection, in ${rounds * 4} fresh processes each (medians, wall / CPU): require of the universal entry whose trees are empty modules, against require of an empty module`,
    '',
    '| Node | universal entry | empty module | selection cost (wall) | selection cost (CPU) |',
    '|---|---|---|---|---|',
    ...selection.map(
      (s) =>
        `| ${s.major} | ${ms(s.wall.universal)} / ${ms(s.cpu.universal)} | ${ms(s.wall.direct)} / ${ms(s.cpu.direct)} | ${ms(s.wall.universal - s.wall.direct)} | ${ms(s.cpu.universal - s.cpu.direct)} |`,
    ),
    '',
    `| Node | express start-up, universal tree | per-major tree | difference |`,
    '|---|---|---|---|',
    ...startup.map((s) => `| ${s.major} | ${s.universalMs.toFixed(1)} ms | ${s.perMajorMs.toFixed(1)} ms | ${(s.universalMs - s.perMajorMs).toFixed(1)} ms |`),
  ];
  const report = lines.join('\n') + '\n';
  process.stdout.write(report);
  await fs.writeFile(join(REPO, 'bench', 'UNIVERSAL.md'), `# The universal image, measured\n\n${report}`);
}

main().catch((error) => {
  console.error(`universal-bench: ${error instanceof Error ? error.stack : error}`);
  process.exit(1);
});
