/**
 * The universal image holds one staged tree per Node major; its entry loads
 * the tree whose range holds the running Node. Pure, and written for old
 * runtimes (the entry that uses it must load on Node 8): no optional
 * chaining, no `??`, no Array.prototype.includes on strings of old engines.
 */
import type { SupportedImage } from '../build-info';
import { satisfiesRange } from './version-guard';

export interface UniversalBuildInfo {
  distributionVersion: string;
  imageName: string;
  /** The trees this image holds, each under `node<major>/`, oldest major first. */
  trees: SupportedImage[];
  /** Every per-major image of this release, so the advice can name one. */
  images: SupportedImage[];
}

export type TreeChoice = { tree: string } | { message: string };

function rangesOf(list: readonly SupportedImage[]): string {
  return list.map((item) => `node${item.major} ${item.nodeRange}`).join('; ');
}

function lowestBound(range: string): string {
  const match = /(\d+\.\d+\.\d+)/.exec(range);
  return match ? match[1]! : range;
}

/** What someone whose Node no tree supports should do instead. */
function advice(nodeVersion: string, info: UniversalBuildInfo): string {
  const majorMatch = /^v?(\d+)/.exec(nodeVersion);
  const runningMajor = majorMatch ? Number(majorMatch[1]) : NaN;
  const oldest = info.trees[0];
  const newest = info.trees[info.trees.length - 1];
  const fitting = info.images.filter((image) => satisfiesRange(nodeVersion, image.nodeRange))[0];
  if (fitting) {
    return `rebuild the universal image with ${fitting.major} in --versions, or use the node${fitting.major} image (Instrumentation nodejs-${fitting.major})`;
  }
  if (oldest && runningMajor < oldest.major) {
    return `run the app on Node ${lowestBound(oldest.nodeRange)} or newer (Node ${runningMajor} is not supported by any image of this release)`;
  }
  if (newest && runningMajor > newest.major) {
    return `use a newer release of ${info.imageName}, one with a tree for Node ${runningMajor} (this release knows up to node${newest.major})`;
  }
  return `run the app on a Node version one of the trees supports: ${rangesOf(info.trees)}`;
}

function numbers(text: string): number[] | undefined {
  const parts = text.split('.').map(Number);
  return parts.length === 3 && !parts.some(isNaN) ? parts : undefined;
}

/**
 * Whether the version is in the range, read with split() for the form every
 * range of node-versions/versions.json has, `>=A.B.C <D`: the first regular
 * expression a process runs costs it a few hundred microseconds, and this
 * runs at every start. Any other form goes to satisfiesRange.
 */
export function inRange(nodeVersion: string, range: string): boolean {
  const version = numbers(nodeVersion.charAt(0) === 'v' ? nodeVersion.slice(1) : nodeVersion);
  const [lower, upper, ...rest] = range.split(' ');
  const from = lower && lower.slice(0, 2) === '>=' ? numbers(lower.slice(2)) : undefined;
  const below = upper && upper.charAt(0) === '<' ? Number(upper.slice(1)) : NaN;
  if (!version || !from || rest.length > 0 || !(below % 1 === 0)) return satisfiesRange(nodeVersion, range);
  if (version[0]! >= below) return false;
  for (let i = 0; i < 3; i++) if (version[i] !== from[i]) return version[i]! > from[i]!;
  return true;
}

export function chooseTree(nodeVersion: string, info: UniversalBuildInfo): TreeChoice {
  const held = info.trees.filter((tree) => inRange(nodeVersion, tree.nodeRange))[0];
  if (held) return { tree: `node${held.major}` };
  const majors = info.trees.map((tree) => tree.major).join(', ');
  return {
    message:
      `this is the ${info.imageName} universal image ${info.distributionVersion}, holding trees for Node ${majors} (${rangesOf(info.trees)}), ` +
      `but it was loaded by Node ${nodeVersion}; the app runs uninstrumented: ${advice(nodeVersion, info)}`,
  };
}
