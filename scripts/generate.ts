/**
 * Rewrites the generated files (scripts/generated/sections.ts) from their
 * sources: `npx tsx scripts/generate.ts`, or `--check` to list the ones out of
 * date and exit 1.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { currentContent, GENERATED_FILES, outOfDate } from './generated/sections';
import { REPO_ROOT as root } from './repository';

if (process.argv.includes('--check')) {
  const stale = outOfDate(root);
  for (const file of stale) console.error(`${file} is out of date: run npx tsx scripts/generate.ts`);
  process.exitCode = stale.length > 0 ? 1 : 0;
} else {
  for (const { file, render } of GENERATED_FILES) {
    const path = join(root, file);
    const current = currentContent(root, file);
    const next = render(current);
    if (next !== current) {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, next);
    }
    console.log(`${next === current ? 'current' : 'wrote  '} ${file}`);
  }
}
