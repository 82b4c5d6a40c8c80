import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { defaultImage, releaseImages, type InstrumentationImage } from './built-images';
import { renderInstrumentations } from './instrumentation-manifest';
import { REPO_ROOT } from '../../scripts/repository';

// Writes Instrumentation manifests. Two modes, one renderer, so they never drift:
//   --write-defaults                  k8s/instrumentations/nodejs-<major>.yaml, one per major
//                                     in node-versions/versions.json
//   [--out FILE] <major>=<image> ...  one multi-document file for the images a build
//                                     produced (default k8s/generated/instrumentations.yaml)

export { renderInstrumentations, buildInstrumentation, type RenderOptions } from './instrumentation-manifest';
export type { InstrumentationImage } from './built-images';

export const GENERATED_FILE = 'k8s/generated/instrumentations.yaml';

export const defaultsFile = (major: number) => `k8s/instrumentations/nodejs-${major}.yaml`;

export function parseImageArgument(arg: string): InstrumentationImage {
  const match = /^(\d+)=(.+)$/.exec(arg);
  if (!match) throw new Error(`argument "${arg}" is not <major>=<image>, e.g. 20=${defaultImage(20, '1.0.0')}`);
  return { major: Number(match[1]), image: match[2] ?? '' };
}

function write(root: string, file: string, content: string): void {
  const path = resolve(root, file);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
  console.log(`wrote ${relative(root, path)}`);
}

function main(args: string[]): void {
  const root = REPO_ROOT;
  if (args.includes('--write-defaults')) {
    for (const image of releaseImages()) write(root, defaultsFile(image.major), renderInstrumentations([image]));
    return;
  }
  let out = GENERATED_FILE;
  const images: InstrumentationImage[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '--out') {
      out = args[++i] ?? '';
      if (out === '') throw new Error('--out needs a file path');
    } else images.push(parseImageArgument(arg));
  }
  if (images.length === 0) throw new Error(`no images given. Usage: generate-instrumentations --write-defaults | [--out FILE] <major>=<image>...`);
  write(root, out, renderInstrumentations(images));
}

if (process.argv[1]?.endsWith('generate-instrumentations.ts')) {
  try {
    main(process.argv.slice(2));
  } catch (error) {
    console.error(`generate-instrumentations: ${(error as Error).message}`);
    process.exit(1);
  }
}
