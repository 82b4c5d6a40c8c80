/** The project's download/build cache, shared with scripts/node-runtimes.ts. */
import { homedir } from 'node:os';
import { join } from 'node:path';

export function customOtelCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.CUSTOM_OTEL_CACHE_DIR || join(homedir(), '.cache', 'custom-otel-nodejs');
}
