/**
 * Files, or marked sections of files, generated from the one home of their
 * facts. `npx tsx scripts/generate.ts` rewrites them; a unit test fails when
 * one is out of date.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALL_SETTINGS } from '../../src/config/all-settings';
import { renderSettingsTable } from './settings-table';
import { renderVersionsTable } from './versions-table';
import { DISTRIBUTION_VERSION, readVersions } from '../repository';
import { releaseImages } from '../../tools/k8s/built-images';
import { defaultsFile, perMajorComponent, PER_MAJOR_COMPONENT } from '../../tools/k8s/generate-instrumentations';
import { renderInstrumentations } from '../../tools/k8s/instrumentation-manifest';

export interface GeneratedFile {
  /** Relative to the repository root. */
  file: string;
  /** The whole new content, from the current one ('' when the file does not exist yet). */
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
    render: (current) => {
      let text = replaceSection(current, 'standard-settings', renderSettingsTable(ALL_SETTINGS.filter((row) => isStandard(row.name))));
      text = replaceSection(text, 'our-settings', renderSettingsTable(ALL_SETTINGS.filter((row) => !isStandard(row.name))));
      return replaceSection(text, 'versions', renderVersionsTable(readVersions(), DISTRIBUTION_VERSION));
    },
  },
  // The kustomize component of the per-major Instrumentations, listing one per major.
  { file: `${PER_MAJOR_COMPONENT}/kustomization.yaml`, render: () => perMajorComponent(releaseImages()) },
  // The universal Instrumentation and one per major (the same renderer writes the build's k8s/generated/instrumentations.yaml).
  ...releaseImages().map((image) => ({ file: defaultsFile(image.major), render: () => renderInstrumentations([image]) })),
];

export function currentContent(root: string, file: string): string {
  const path = join(root, file);
  return existsSync(path) ? readFileSync(path, 'utf8') : '';
}

export function outOfDate(root: string): string[] {
  return GENERATED_FILES.filter(({ file, render }) => {
    const current = currentContent(root, file);
    return render(current) !== current;
  }).map(({ file }) => file);
}
