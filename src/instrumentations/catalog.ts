/**
 * Every instrumentation package that this major's
 * @opentelemetry/auto-instrumentations-node depends on, by short name.
 * The bundler replaces this module with a static list of lazy requires for
 * the line it builds; here (development, tests) the list is read at run time.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { loadHttpUtils } from './http-server-channels';

export interface CatalogEntry {
  /** Short name as in OTEL_NODE_ENABLED_INSTRUMENTATIONS (`express`). */
  name: string;
  /**
   * The modules it patches, read when the bundle was built: it is created
   * when one of them is first required. null: unknown, so it starts at once.
   */
  modules: string[] | null;
  load(): Record<string, unknown>;
}

function autoInstrumentationsDependencies(): string[] {
  let dir = dirname(require.resolve('@opentelemetry/auto-instrumentations-node'));
  for (;;) {
    const candidate = join(dir, 'package.json');
    try {
      const manifest = JSON.parse(readFileSync(candidate, 'utf8'));
      if (manifest.name === '@opentelemetry/auto-instrumentations-node') return Object.keys(manifest.dependencies ?? {});
    } catch {
      // not here: go up
    }
    const parent = dirname(dir);
    if (parent === dir) return [];
    dir = parent;
  }
}

const PREFIX = '@opentelemetry/instrumentation-';

export const catalog: CatalogEntry[] = autoInstrumentationsDependencies()
  .filter((pkg) => pkg.startsWith(PREFIX))
  .map((pkg) => ({ name: pkg.slice(PREFIX.length), modules: null, load: () => withUtils(pkg, require(pkg)) }));

/** The HTTP instrumentation's attribute builders travel with its exports (http-server-channels.ts), as in the bundled chunk (tools/bundle/bundle.mjs). */
function withUtils(pkg: string, exports: Record<string, unknown>): Record<string, unknown> {
  return pkg === `${PREFIX}http` ? { ...exports, utils: loadHttpUtils() } : exports;
}
