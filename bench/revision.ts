/** What source a report's figures are of: the commit, and whether src/ differed from it. */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/** The commit under test; src/ edits not yet committed are flagged, since they are what was bundled. */
export function revision(): string {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: join(__dirname, '..'), encoding: 'utf8' }).trim();
    const dirty = git('status', '--porcelain', '--', 'src') !== '';
    return `git ${git('rev-parse', '--short', 'HEAD')}${dirty ? ' with uncommitted changes in src/' : ', src/ as committed'}`;
  } catch (error) {
    return `unknown (git failed: ${(error as Error).message.split('\n')[0]})`;
  }
}
