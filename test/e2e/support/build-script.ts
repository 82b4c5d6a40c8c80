/**
 * Runs ./build-multi-version as a user would (the executable entry, from the
 * repository root) and reads the summary table it prints at the end.
 */
import { join } from 'node:path';
import { runCommand, type CommandResult } from './docker';
import { REPO_ROOT } from './repo';

export const BUILD_SCRIPT = join(REPO_ROOT, 'build-multi-version');
/** Where the command line is declared (parseArgs). */
export const OPTIONS_SOURCE = join(REPO_ROOT, 'scripts/build/options.ts');

export interface BuildRun extends CommandResult {
  args: string[];
  seconds: number;
}

export async function runBuildScript(args: readonly string[], timeoutMs = 20 * 60_000, env?: NodeJS.ProcessEnv): Promise<BuildRun> {
  const started = Date.now();
  const result = await runCommand(BUILD_SCRIPT, args, { timeoutMs, cwd: REPO_ROOT, env });
  return { ...result, args: [...args], seconds: (Date.now() - started) / 1000 };
}

/** The whole run as one text, for failure messages. */
export function describeRun(run: BuildRun): string {
  const how = run.timedOut ? 'timed out' : `exit ${run.exitCode}${run.signal ? `, signal ${run.signal}` : ''}`;
  return `./build-multi-version ${run.args.join(' ')} (${how}, ${run.seconds.toFixed(1)} s)\n--- stdout:\n${run.stdout.slice(-6000)}\n--- stderr:\n${run.stderr.slice(-4000)}`;
}

export interface SummaryRow {
  major: number;
  reference: string;
  size: string;
  files: string;
  seconds: string;
  result: string;
  sbom: string;
  platforms: string;
}

const HEADER = ['major', 'image:tag', 'size', 'files', 'seconds', 'result', 'sbom', 'platforms'];

/**
 * The rows of the summary table ("| major | image:tag | size | files | seconds | result | sbom | platforms |"),
 * or undefined when the output holds no such table.
 */
export function parseSummaryTable(output: string): SummaryRow[] | undefined {
  const lines = output.split('\n').map((line) => line.trim()).filter((line) => line.startsWith('|') && line.endsWith('|'));
  const cells = lines.map((line) => line.slice(1, -1).split('|').map((cell) => cell.trim()));
  const headerIndex = cells.findIndex((row) => row.join(',') === HEADER.join(',') || row.join(',') === ['major', 'tree', ...HEADER.slice(2)].join(','));
  if (headerIndex === -1) return undefined;
  return cells
    .slice(headerIndex + 1)
    .filter((row) => row.length === HEADER.length && /^\d+$/.test(row[0]!))
    .map(([major, reference, size, files, seconds, result, sbom, platforms]) => ({
      major: Number(major),
      reference: reference!,
      size: size!,
      files: files!,
      seconds: seconds!,
      result: result!,
      sbom: sbom!,
      platforms: platforms!,
    }));
}

/** The long flags the script's parseArgs call declares ("versions", "retry-delay", ...), read from its source. */
export function declaredFlags(source: string): string[] {
  const start = source.indexOf('parseArgs({');
  const block = start === -1 ? '' : source.slice(start, source.indexOf('\n  });', start));
  return [...block.matchAll(/^\s*'?([a-z][\w-]*)'?:\s*\{\s*type:/gm)].map((match) => match[1]!);
}
