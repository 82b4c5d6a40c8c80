/**
 * CUSTOM_OTEL_HEALTH_PATHS as a matcher: whether a request's path, or its
 * target (path and `?query`), is exactly one of the health paths. Asked for
 * every server span before it starts, so it compares in place: only the
 * health paths of the same length as the request's path are looked at, and
 * no substring is made to cut off the query.
 */
export class HealthPaths implements Iterable<string> {
  private readonly paths: readonly string[];
  /** byLength[n]: the health paths of n characters. */
  private readonly byLength: Array<string[] | undefined> = [];

  constructor(paths: Iterable<string>) {
    this.paths = [...new Set(paths)];
    for (const path of this.paths) (this.byLength[path.length] ??= []).push(path);
  }

  /** `target` is a path, or with `pathEnd` < its length, a path followed by `?query`. */
  matches(target: string, pathEnd = target.length): boolean {
    const candidates = this.byLength[pathEnd];
    if (candidates === undefined) return false;
    for (const path of candidates) if (target.startsWith(path)) return true;
    return false;
  }

  [Symbol.iterator](): Iterator<string> {
    return this.paths[Symbol.iterator]();
  }
}
