import { satisfiesRange } from '../../../src/entry/version-guard';
import { IMAGE_NAME } from '../built-images';
import { parseImageReference } from './image-reference';
import { nodeMajorOfAppImage, nodeMajorOfInstrumentationImage } from './node-major';

// The universal image picks its tree when the app starts, from the Node that
// runs it. The preview can say which tree that will be when the app image's
// tag says its Node version ("node:20.11.1-slim", "node:22", "app:node20").

export interface Tree {
  major: number;
  nodeRange: string;
}

/** Ours, without a -node<major> tag: the image holding every major's tree. */
export function isUniversalImage(image: string | undefined): boolean {
  const ref = image === undefined ? undefined : parseImageReference(image);
  if (!ref || nodeMajorOfInstrumentationImage(image) !== undefined) return false;
  return (ref.name.split('/').pop() ?? ref.name) === IMAGE_NAME;
}

/** "node:20.11.1-slim" → 20.11.1; undefined when the tag gives no full version. */
function exactNodeVersion(appImage: string): string | undefined {
  const ref = parseImageReference(appImage);
  if (!ref?.tag || (ref.name.split('/').pop() ?? ref.name) !== 'node') return undefined;
  const match = /^(\d+\.\d+\.\d+)(?=$|[-_])/.exec(ref.tag);
  return match ? match[1] : undefined;
}

/** One line on the tree the container's Node will load, or undefined when the Instrumentation's image is not the universal one. */
export function universalTreeLine(instrumentationImage: string | undefined, appImage: string | undefined, container: string, trees: readonly Tree[]): string | undefined {
  if (!isUniversalImage(instrumentationImage)) return undefined;
  const major = nodeMajorOfAppImage(appImage);
  if (appImage === undefined || major === undefined) {
    return `${container}: the image ${appImage ?? '(none)'} does not say its Node version; the universal image picks the tree at start-up`;
  }
  const version = exactNodeVersion(appImage);
  const tree = version ? trees.find((t) => satisfiesRange(version, t.nodeRange)) : trees.find((t) => t.major === major);
  const runs = `${container} runs Node ${version ?? major} (image ${appImage})`;
  if (!tree) {
    return `${runs}: the universal image holds no tree for it (trees: ${trees.map((t) => `node${t.major} ${t.nodeRange}`).join('; ')}); the app will run uninstrumented, saying so in one line`;
  }
  const caveat = version ? '' : ` if its Node is in ${tree.nodeRange}`;
  return `${runs}: the universal image loads its node${tree.major} tree${caveat}`;
}
