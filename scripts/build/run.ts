/**
 * Running the commands a build is made of: each printed as it starts (or only
 * printed, with --dry-run), its output kept back unless it fails.
 */
import { $ } from 'zx';

export type Log = (line: string) => void;
export type Runner = (command: string[], options?: { quiet?: boolean }) => Promise<string>;

export function quote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function makeRunner(dryRun: boolean, log: Log): Runner {
  return async (command, options = {}) => {
    if (dryRun) {
      console.log(`$ ${command.map(quote).join(' ')}`);
      return '';
    }
    if (!options.quiet) log(`$ ${command.map(quote).join(' ')}`);
    const result = await $({ quiet: true, nothrow: true })`${command}`;
    if (result.exitCode !== 0) throw new Error(`${command.slice(0, 3).join(' ')} failed (exit ${result.exitCode}):\n${(result.stdout + result.stderr).trim().split('\n').slice(-25).join('\n')}`);
    return result.stdout;
  };
}

export async function runPool<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await work(items[index]!);
      }
    }),
  );
  return results;
}
