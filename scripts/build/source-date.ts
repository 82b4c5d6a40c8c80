/**
 * The one instant an image claims to be made at: SOURCE_DATE_EPOCH when the
 * caller sets it (the reproducible-builds convention), else the commit time
 * of the revision built. Every timestamp the image holds (the created label,
 * the image config and history, each file's mtime) is this instant, so two
 * builds of one commit give one digest.
 */

export interface SourceDate {
  /** Seconds since 1970, as SOURCE_DATE_EPOCH is written. */
  epoch: number;
  /** Where it came from, for the build's log. */
  origin: string;
}

/** From $SOURCE_DATE_EPOCH, else `git log -1 --format=%ct` output; undefined when neither is a whole number of seconds. */
export function sourceDate(envValue: string | undefined, commitTime: string | undefined): SourceDate | undefined {
  if (envValue !== undefined && envValue.trim() !== '') {
    if (!/^\d+$/.test(envValue.trim())) throw new Error(`SOURCE_DATE_EPOCH takes whole seconds since 1970, not "${envValue}"`);
    return { epoch: Number(envValue.trim()), origin: 'SOURCE_DATE_EPOCH' };
  }
  const committed = commitTime?.trim();
  if (committed && /^\d+$/.test(committed)) return { epoch: Number(committed), origin: 'the commit time of HEAD' };
  return undefined;
}

export function isoDate(epoch: number): string {
  return new Date(epoch * 1000).toISOString().replace('.000Z', 'Z');
}
