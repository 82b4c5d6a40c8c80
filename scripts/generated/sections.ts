/**
 * Files, or marked sections of files, generated from the one home of their
 * facts. `npx tsx scripts/generate.ts` rewrites them; a unit test fails when
 * one is out of date.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALL_SETTINGS } from '../../src/config/all-settings';
import { renderSettingsTable } from './settings-table';

export interface GeneratedFile {
  /** Relative to the repository root. */
  file: string;
  /** The whole new content, from the current one. */
  render(current: string): string;
}

/** Replaces what lies between `<!-- generated:NAME -->` and `<!-- /generated:NAME -->`. */
export function replaceSection(text: string, name: string, content: string): string {
  const begin = `<!-- generated:${name} (npx tsx scripts/generate.ts) -->`;
  const end = `<!-- /generated:${name} -->`;
  const from = text.indexOf(begin);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`the markers of the generated section "${name}" are missing: ${begin} ... ${end}`);
  return `${text.slice(0, from + begin.length)}\n${content}\n${text.slice(to)}`;
}

const isStandard = (name: string) => !name.startsWith('CUSTOM_');

export const GENERATED_FILES: GeneratedFile[] = [
  {
    file: 'README.md',
    render: (current) =>
      replaceSection(
        replaceSection(current, 'standard-settings', renderSettingsTable(ALL_SETTINGS.filter((row) => isStandard(row.name)))),
        'our-settings',
        renderSettingsTable(ALL_SETTINGS.filter((row) => !isStandard(row.name))),
      ),
  },
];

export function outOfDate(root: string): string[] {
  return GENERATED_FILES.filter(({ file, render }) => {
    const current = readFileSync(join(root, file), 'utf8');
    return render(current) !== current;
  }).map(({ file }) => file);
}
