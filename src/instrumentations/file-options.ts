/**
 * An instrumentation's options from a configuration file
 * (`instrumentation/development.js.<name>`) over ours: plain data goes to the
 * constructor as it is; `ignoreIncomingPaths` of http, which the
 * instrumentation only takes as a function, becomes that function.
 */

/** A path as such, or every path under a prefix written with a final `*`. */
export function pathMatcher(patterns: readonly string[]): (path: string) => boolean {
  const exact = new Set(patterns.filter((pattern) => !pattern.endsWith('*')));
  const prefixes = patterns.filter((pattern) => pattern.endsWith('*')).map((pattern) => pattern.slice(0, -1));
  return (path) => exact.has(path) || prefixes.some((prefix) => path.startsWith(prefix));
}

export function withFileOptions(name: string, ours: Record<string, unknown>, fromFile: Record<string, unknown> | undefined): Record<string, unknown> {
  if (fromFile === undefined) return ours;
  const { ignoreIncomingPaths, ...rest } = fromFile;
  const options: Record<string, unknown> = { ...ours, ...rest };
  if (name === 'http' && Array.isArray(ignoreIncomingPaths)) {
    const ignored = pathMatcher(ignoreIncomingPaths.map(String));
    options.ignoreIncomingRequestHook = (request: { url?: string }) => ignored((request.url ?? '/').split('?')[0]!);
  }
  return options;
}
