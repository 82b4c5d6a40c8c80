/**
 * Which package a module belongs to, the way require-in-the-middle (what
 * upstream's instrumentations hook with) tells it: by the last
 * `node_modules/<name>` (or `node_modules/@scope/<name>`) in its path, so a
 * package loaded by its path, through an alias or from a pnpm store counts as
 * itself. Pure string work: it runs on every require while instrumentations
 * wait for their module.
 */
import { dirname, isAbsolute, resolve } from 'node:path';

/** `express/lib/router` → `express`; `@grpc/grpc-js` → itself; `node:http` → `http`; paths and `#imports` → undefined. */
export function packageOf(request: string): string | undefined {
  if (request.startsWith('node:')) return request.slice(5);
  const first = request.charCodeAt(0);
  if (first === 46 /* . */ || first === 47 /* / */ || first === 35 /* # */ || isAbsolute(request)) return undefined;
  const parts = request.split('/');
  return request.startsWith('@') ? (parts.length > 1 ? `${parts[0]}/${parts[1]}` : undefined) : parts[0];
}

const MARKER = 'node_modules';

/** `/srv/app/node_modules/.pnpm/pg@8.11.3/node_modules/pg/lib/client.js` → `pg`; a file outside node_modules → undefined. */
export function packageOfPath(path: string): string | undefined {
  const normalised = path.indexOf('\\') >= 0 ? path.replace(/\\/g, '/') : path;
  const at = normalised.lastIndexOf(`/${MARKER}/`);
  if (at < 0) return undefined;
  const rest = normalised.slice(at + MARKER.length + 2);
  const slash = rest.indexOf('/');
  const first = slash < 0 ? rest : rest.slice(0, slash);
  if (first === '' || first.startsWith('.')) return undefined;
  if (!first.startsWith('@')) return first;
  if (slash < 0) return undefined;
  const second = rest.slice(slash + 1).split('/')[0];
  return second ? `${first}/${second}` : undefined;
}

/** What a resolved filename names: a builtin (`http`, `node:http`) or the package its path lies in. */
export function packageOfFilename(filename: string): string | undefined {
  if (filename.startsWith('node:')) return filename.slice(5);
  if (filename.indexOf('/') < 0 && filename.indexOf('\\') < 0) return filename;
  return packageOfPath(filename);
}

/**
 * The package a require names, known before it is resolved: from the
 * specifier itself, or for a path from where it points (relative to the
 * requiring file). undefined for what only resolution can tell (`#imports`,
 * a path through a symlink with no node_modules in it).
 */
export function packageOfRequest(request: string, parentFilename: string | undefined): string | undefined {
  const bare = packageOf(request);
  if (bare !== undefined) return bare;
  if (isAbsolute(request)) return packageOfPath(request);
  if (request.charCodeAt(0) === 46 /* . */ && parentFilename) return packageOfPath(resolve(dirname(parentFilename), request));
  return undefined;
}
