// Which auto-instrumentation images exist: one per Node major, named
// custom-otel-autoinstrumentation-nodejs:<package version>-node<major> unless
// node-versions/versions.json says otherwise.

export const IMAGE_REPOSITORY = 'custom-otel-autoinstrumentation-nodejs';
export const FALLBACK_MAJORS = [14, 16, 18, 20, 22, 24, 26];

/** The universal image: every major's tree, the one for the running Node picked at start-up. */
export const UNIVERSAL = 'universal';

export interface InstrumentationImage {
  /** The Node major the image is built for, or UNIVERSAL. */
  major: number | typeof UNIVERSAL;
  image: string;
}

export function defaultImage(major: number | typeof UNIVERSAL, packageVersion: string): string {
  return major === UNIVERSAL ? `${IMAGE_REPOSITORY}:${packageVersion}` : `${IMAGE_REPOSITORY}:${packageVersion}-node${major}`;
}

function asMajor(value: unknown): number | undefined {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.replace(/^v/, '') : '';
  const match = /^(\d+)(?:\.|$)/.exec(text);
  return match ? Number(match[1]) : undefined;
}

function entryImage(entry: Record<string, unknown>): string | undefined {
  const image = entry.image ?? entry.imageName;
  return typeof image === 'string' && image !== '' ? image : undefined;
}

/**
 * Reads node-versions/versions.json in the shapes it may take: a list of majors
 * or versions, a list of {major, image?} entries, {majors|versions|nodeVersions: [...]},
 * or an object keyed by major. Throws with the shape it saw when none fits.
 */
export function imagesFromVersionsFile(json: unknown, packageVersion: string): Array<InstrumentationImage & { major: number }> {
  const fromList = (list: unknown[]): Array<InstrumentationImage & { major: number }> =>
    list.map((item, index) => {
      const record = typeof item === 'object' && item !== null ? (item as Record<string, unknown>) : undefined;
      const major = asMajor(record ? (record.major ?? record.nodeMajor ?? record.version ?? record.node) : item);
      if (major === undefined) throw new Error(`versions.json: entry ${index} (${JSON.stringify(item)}) names no Node major`);
      return { major, image: (record && entryImage(record)) ?? defaultImage(major, packageVersion) };
    });

  if (Array.isArray(json)) return sortedUnique(fromList(json));
  if (typeof json === 'object' && json !== null) {
    const record = json as Record<string, unknown>;
    for (const key of ['majors', 'versions', 'nodeVersions', 'images', 'nodes']) {
      if (Array.isArray(record[key])) return sortedUnique(fromList(record[key] as unknown[]));
    }
    const keyed = Object.entries(record).filter(([key]) => /^\d+$/.test(key));
    if (keyed.length > 0) {
      return sortedUnique(
        keyed.map(([key, value]) => {
          const major = Number(key);
          const image = typeof value === 'object' && value !== null ? entryImage(value as Record<string, unknown>) : undefined;
          return { major, image: image ?? defaultImage(major, packageVersion) };
        }),
      );
    }
  }
  throw new Error(`versions.json: expected a list of Node majors or an object keyed by major, got ${JSON.stringify(json).slice(0, 120)}`);
}

function sortedUnique(images: Array<InstrumentationImage & { major: number }>): Array<InstrumentationImage & { major: number }> {
  const byMajor = new Map<number, InstrumentationImage & { major: number }>();
  for (const image of images) if (!byMajor.has(image.major)) byMajor.set(image.major, image);
  return [...byMajor.values()].sort((a, b) => a.major - b.major);
}
