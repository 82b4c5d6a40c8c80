/**
 * The repository stands alone: a clone with nothing beside it has every file
 * it reads and every document its READMEs link.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../scripts/repository';

const root = REPO_ROOT;
const tracked = execFileSync('git', ['ls-files'], { cwd: root, encoding: 'utf8' }).split('\n').filter(Boolean);
// Paths of the machine the project was written on, or of folders beside the repository.
const OUTSIDE = /(\.\.\/shared\/|\/work\/)/;

describe('the repository on its own', () => {
  it('no tracked file refers to a path outside it', () => {
    const offending = tracked
      .filter((file) => existsSync(join(root, file)))
      .filter((file) => !/\.(tgz|png|jpg|gz)$/.test(file))
      .flatMap((file) =>
        readFileSync(join(root, file), 'utf8')
          .split('\n')
          .map((line, i) => ({ line, i }))
          .filter(({ line }) => OUTSIDE.test(line))
          .map(({ line, i }) => `${file}:${i + 1}: ${line.trim().slice(0, 160)}`),
      );
    expect(offending).toEqual([]);
  });

  it('every relative link of a Markdown file names a file of the repository', () => {
    const missing: string[] = [];
    for (const file of tracked.filter((f) => f.endsWith('.md'))) {
      for (const match of readFileSync(join(root, file), 'utf8').matchAll(/\]\(([^)\s]+)\)/g)) {
        const target = match[1]!.split('#')[0]!;
        if (target === '' || /^[a-z]+:/.test(target)) continue;
        if (!existsSync(join(root, dirname(file), target))) missing.push(`${file}: ${match[1]}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
