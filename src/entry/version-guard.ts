/**
 * Each image carries the SDK line of one Node major. A pod annotated with
 * the wrong Instrumentation must keep running, uninstrumented, with one line
 * saying which image to use instead. Written for old runtimes: this runs
 * before anything that might not parse or load there.
 */
import type { SupportedImage } from '../build-info';

type Version = [number, number, number];

function parseVersion(text: string): Version | undefined {
  const match = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(text.trim());
  if (!match) return undefined;
  return [Number(match[1]), Number(match[2] || 0), Number(match[3] || 0)];
}

function compare(a: Version, b: Version): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

/** Supports the forms our ranges use: `>=18.19.0 <19`, `^18.19.0 || >=20.6.0`, `>=22.15.0`. */
export function satisfiesRange(versionText: string, range: string): boolean {
  const version = parseVersion(versionText);
  if (!version) return false;
  return range.split('||').some((alternative) =>
    alternative
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .every((comparator) => {
        const match = /^(>=|<=|>|<|\^|=)?(.+)$/.exec(comparator);
        const bound = match ? parseVersion(match[2]!) : undefined;
        if (!match || !bound) return false;
        const order = compare(version, bound);
        switch (match[1]) {
          case '>=': return order >= 0;
          case '>': return order > 0;
          case '<=': return order <= 0;
          case '<': return order < 0;
          case '^': return version[0] === bound[0] && order >= 0;
          default: return order === 0;
        }
      }),
  );
}

export interface GuardResult {
  supported: boolean;
  message?: string;
}

export function checkNodeVersion(nodeVersion: string, imageName: string, major: number, nodeRange: string, images: readonly SupportedImage[]): GuardResult {
  if (satisfiesRange(nodeVersion, nodeRange)) return { supported: true };
  const fitting = images.find((image) => satisfiesRange(nodeVersion, image.nodeRange));
  const advice = fitting
    ? `use the node${fitting.major} image instead (Instrumentation nodejs-${fitting.major})`
    : `no image of this release supports it (supported: ${images.map((i) => `node${i.major} ${i.nodeRange}`).join('; ')})`;
  return {
    supported: false,
    message: `this is the ${imageName} node${major} image, for Node ${nodeRange}, but it was loaded by Node ${nodeVersion}; the app runs uninstrumented: ${advice}`,
  };
}
