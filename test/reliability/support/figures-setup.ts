/** Global set-up of the reliability project: a scratch folder for figures, merged into FIGURES.md at the end. */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { mergeFigures, type FigureSection } from './figures-markdown';

const FIGURES_FILE = join(__dirname, '..', 'FIGURES.md');

export default function setup(project: TestProject): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'reliability-figures-'));
  project.provide('figuresDir', dir);
  return () => {
    const sections = readdirSync(dir)
      .filter((name) => name.endsWith('.json'))
      .map((name) => JSON.parse(readFileSync(join(dir, name), 'utf8')) as FigureSection);
    if (sections.length > 0) {
      const existing = existsSync(FIGURES_FILE) ? readFileSync(FIGURES_FILE, 'utf8') : '';
      writeFileSync(FIGURES_FILE, mergeFigures(existing, sections));
      console.log(`reliability figures: ${sections.map((s) => s.id).join(', ')} written to ${FIGURES_FILE}`);
    }
    rmSync(dir, { recursive: true, force: true });
  };
}
