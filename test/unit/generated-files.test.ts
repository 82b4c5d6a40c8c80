/** Files and sections generated from the one home of their facts are current (`npx tsx scripts/generate.ts` rewrites them). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { currentContent, GENERATED_FILES, replaceSection } from '../../scripts/generated/sections';
import { renderSettingsTable } from '../../scripts/generated/settings-table';
import { ALL_SETTINGS } from '../../src/config/all-settings';
import { REPO_ROOT } from '../../scripts/repository';

const root = REPO_ROOT;

describe('generated files', () => {
  it.each(GENERATED_FILES.map((generated) => [generated.file, generated] as const))('%s is current (else: npx tsx scripts/generate.ts)', (file, generated) => {
    const current = currentContent(root, file);
    expect(generated.render(current)).toBe(current);
  });

  it('the README settings tables have one row per settings row, each with its default', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    for (const row of ALL_SETTINGS) {
      const line = readme.split('\n').find((l) => l.startsWith(`| \`${row.name}\``));
      expect(line, row.name).toBeDefined();
      expect(renderSettingsTable([row]).split('\n')[2]).toBe(line);
    }
  });

  it('a section without its markers is an error naming it, not a silent no-op', () => {
    expect(() => replaceSection('no markers here', 'our-settings', 'x')).toThrow(/our-settings/);
  });
});
