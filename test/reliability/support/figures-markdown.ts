/**
 * FIGURES.md is made of one section per test file, each between markers, so
 * a run of some files replaces their sections and keeps the others (with
 * the date they were measured) instead of wiping them.
 */
export interface Figure {
  name: string;
  value: string;
  /** What the test asserts, or "reported" when the figure is only measured. */
  bound: string;
}

export interface FigureSection {
  id: string;
  title: string;
  measuredAt: string;
  environment: string;
  figures: Figure[];
  notes: string[];
}

const HEADER = [
  '# Reliability and security figures',
  '',
  'Written by `npm run test:reliability` (the tests in `test/reliability/`); do not edit by hand.',
  'Each section says when and where it was measured. Bounds are what the tests assert.',
  '',
].join('\n');

const begin = (id: string) => `<!-- figures:${id} -->`;
const end = (id: string) => `<!-- /figures:${id} -->`;

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function renderSection(section: FigureSection): string {
  const lines = [
    begin(section.id),
    `## ${section.title}`,
    '',
    `_Measured ${section.measuredAt} on ${section.environment}._`,
    '',
    '| Figure | Value | Bound |',
    '| --- | --- | --- |',
    ...section.figures.map((f) => `| ${cell(f.name)} | ${cell(f.value)} | ${cell(f.bound)} |`),
  ];
  if (section.notes.length > 0) lines.push('', ...section.notes.map((n) => `- ${n}`));
  lines.push(end(section.id));
  return lines.join('\n');
}

/** Existing sections by id, in file order. */
export function parseSections(markdown: string): Map<string, string> {
  const sections = new Map<string, string>();
  const pattern = /<!-- figures:([\w-]+) -->[\s\S]*?<!-- \/figures:\1 -->/g;
  for (const match of markdown.matchAll(pattern)) sections.set(match[1]!, match[0]);
  return sections;
}

/** The new document: old sections kept unless replaced, new ones appended, sorted by id for stable diffs. */
export function mergeFigures(existing: string, updated: readonly FigureSection[]): string {
  const sections = parseSections(existing);
  for (const section of updated) sections.set(section.id, renderSection(section));
  const ordered = [...sections.keys()].sort().map((id) => sections.get(id)!);
  return `${HEADER}\n${ordered.join('\n\n')}\n`;
}
