/**
 * A digest of everything the Dockerfile and --stage-only bundle from. Taken
 * before staging and after the build: when it differs, someone changed the
 * sources in between, and a difference between the staged tree and the image
 * says nothing about the build.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './repo';

const INPUTS = ['package.json', 'tsconfig.json', 'Dockerfile', 'node-versions', 'src', 'tools/bundle'];
const SKIPPED = new Set(['node_modules']);

function filesUnder(relative: string): string[] {
  const absolute = join(REPO_ROOT, relative);
  if (!existsSync(absolute)) return [];
  if (!statSync(absolute).isDirectory()) return [relative];
  return readdirSync(absolute)
    .filter((name) => !SKIPPED.has(name))
    .sort()
    .flatMap((name) => filesUnder(`${relative}/${name}`));
}

export function buildInputsDigest(): string {
  const hash = createHash('sha256');
  for (const file of INPUTS.flatMap(filesUnder)) hash.update(file).update('\0').update(readFileSync(join(REPO_ROOT, file))).update('\0');
  return hash.digest('hex');
}
