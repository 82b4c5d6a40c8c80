/**
 * Whether the app's entry is an ES module. The ESM loader hook costs start-up
 * time (on runtimes without usable in-thread hooks it starts a loader thread
 * that the main thread waits for, ~90 ms measured on Node 20), so it is
 * registered only for ESM apps unless CUSTOM_OTEL_ESM_HOOK says otherwise.
 */
import { readFileSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';

export type EsmHookSetting = 'auto' | 'always' | 'never';

export function isEsmEntry(scriptPath: string | undefined, readFile: (path: string) => string = (p) => readFileSync(p, 'utf8')): boolean {
  if (!scriptPath) return false;
  const extension = extname(scriptPath);
  if (extension === '.mjs' || extension === '.mts') return true;
  if (extension === '.cjs' || extension === '.cts') return false;
  // .js (or no extension): the nearest package.json's "type" decides.
  let dir = dirname(resolve(scriptPath));
  for (;;) {
    try {
      return JSON.parse(readFile(join(dir, 'package.json'))).type === 'module';
    } catch {
      // no (readable) package.json here: look further up
    }
    const parent = dirname(dir);
    if (parent === dir) return false;
    dir = parent;
  }
}

export function wantsEsmHook(setting: EsmHookSetting, scriptPath: string | undefined): boolean {
  if (setting === 'always') return true;
  if (setting === 'never') return false;
  return isEsmEntry(scriptPath);
}
