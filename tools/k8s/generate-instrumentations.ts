import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { defaultImage, releaseImages, UNIVERSAL, type InstrumentationImage } from './built-images';
import { renderInstrumentations } from './instrumentation-manifest';
import { REPO_ROOT } from '../../scripts/repository';

// Writes Instrumentation manifests. Two modes, one renderer, so they never drift:
//   --write-defaults                  k8s/instrumentations/nodejs.yaml (the universal image, the
//                                     demo's default) and k8s/components/per-major/nodejs-<major>.yaml,
//                                     one per major in node-versions/versions.json (a kustomize component)
//   [--out FILE] <major>=<image> ...  one multi-document file for the images a build
//                                     produced (default k8s/generated/instrumentations.yaml)

export { renderInstrumentations, buildInstrumentation, type RenderOptions } from './instrumentation-manifest';
export type { InstrumentationImage } from './built-images';

export const GENERATED_FILE = 'k8s/generated/instrumentations.yaml';

export const PER_MAJOR_COMPONENT = 'k8s/components/per-major';
export const defaultsFile = (major: number | typeof UNIVERSAL) =>
  major === UNIVERSAL ? 'k8s/instrumentations/nodejs.yaml' : `${PER_MAJOR_COMPONENT}/nodejs-${major}.yaml`;

/** The kustomize component that adds the per-major Instrumentations. */
export function perMajorComponent(images: readonly InstrumentationImage[]): string {
  const files = images.filter((i) => i.major !== UNIVERSAL).map((i) => `  - ${defaultsFile(i.major).slice(PER_MAJOR_COMPONENT.length + 1)}`);
  return [
    '# Generated from node-versions/versions.json (npx tsx scripts/generate.ts): edit the generator, not this file.',
    '# One Instrumentation per Node major, for workloads that pin one with',
    '# inject-nodejs: "<namespace>/nodejs-<major>". Add to k8s/kustomization.yaml:',
    '#   components:',
    '#     - components/per-major',
    '# With it the namespace holds several Instrumentations, so "true" no longer picks',
    '# one: annotate the universal one by name, "otel-demo/nodejs".',
    'apiVersion: kustomize.config.k8s.io/v1alpha1',
    'kind: Component',
    'resources:',
    ...files,
    '',
  ].join('\n');
}

export function parseImageArgument(arg: string): InstrumentationImage {
  const match = /^(\d+)=(.+)$/.exec(arg);
  if (!match) {
    const universal = /^universal=(.+)$/.exec(arg);
    if (universal) return { major: UNIVERSAL, image: universal[1] ?? '' };
    throw new Error(`argument "${arg}" is not <major>=<image> or universal=<image>, e.g. 20=${defaultImage(20, '1.0.0')}`);
  }
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
    const images = releaseImages();
    for (const image of images) write(root, defaultsFile(image.major), renderInstrumentations([image]));
    write(root, `${PER_MAJOR_COMPONENT}/kustomization.yaml`, perMajorComponent(images));
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
  if (images.length === 0) throw new Error(`no images given. Usage: generate-instrumentations --write-defaults | [--out FILE] <major>=<image>|universal=<image>...`);
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
