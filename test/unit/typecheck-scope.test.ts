/** `npm run typecheck` (tsc -p .) covers every TypeScript file of the repository. */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { REPO_ROOT } from '../../scripts/repository';

it('every tracked .ts/.mts file is in the typecheck program', () => {
  const tracked = execFileSync('git', ['ls-files', '*.ts', '*.mts'], { cwd: REPO_ROOT, encoding: 'utf8' }).split('\n').filter(Boolean);
  const listed = new Set(
    execFileSync(join(REPO_ROOT, 'node_modules/.bin/tsc'), ['-p', '.', '--listFilesOnly'], { cwd: REPO_ROOT, encoding: 'utf8', maxBuffer: 64 << 20 })
      .split('\n')
      .map((line) => line.trim()),
  );
  expect(tracked.length).toBeGreaterThan(100);
  expect(tracked.filter((file) => !listed.has(join(REPO_ROOT, file)))).toEqual([]);
}, 120_000);
