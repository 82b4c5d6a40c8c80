/**
 * Tests record their figures here; each call prints them at once and adds
 * them to the section of the calling file, which the reliability global
 * set-up merges into test/reliability/FIGURES.md when the run ends.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import type { Figure, FigureSection } from './figures-markdown';

declare module 'vitest' {
  export interface ProvidedContext {
    figuresDir: string;
  }
}

export function environmentDescription(): string {
  return `Node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model.trim() ?? 'unknown CPU'}), shared with other work`;
}

export function recordFigures(id: string, title: string, figures: Figure[], notes: string[] = []): void {
  const file = join(inject('figuresDir'), `${id}.json`);
  const section: FigureSection = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as FigureSection)
    : { id, title, measuredAt: '', environment: environmentDescription(), figures: [], notes: [] };
  section.measuredAt = new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
  section.figures.push(...figures);
  section.notes.push(...notes);
  writeFileSync(file, JSON.stringify(section, null, 2));
  console.log(`[figures] ${title}\n${figures.map((f) => `  ${f.name}: ${f.value} (${f.bound})`).join('\n')}${notes.map((n) => `\n  note: ${n}`).join('')}`);
}
