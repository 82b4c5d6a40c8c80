/**
 * Whether Node runs the app's entry as an ES module, decided as Node decides
 * (not by the file's extension alone). The ESM loader hook costs start-up
 * time (on runtimes without usable in-thread hooks it starts a loader thread
 * that the main thread waits for, ~90 ms measured on Node 20), so it is
 * registered only for ESM apps unless CUSTOM_OTEL_ESM_HOOK says otherwise.
 */
import { readFileSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import { moduleRuntime, nodeFlagTokens, type ModuleRuntime } from './module-runtime';
import { hasModuleSyntax, hasTypeScriptModuleSyntax } from './module-syntax';

export type EsmHookSetting = 'auto' | 'always' | 'never';

export interface EntryFormat {
  esm: boolean;
  /** Why, for the start-up line. */
  why: string;
}

const ESM = (why: string): EntryFormat => ({ esm: true, why });
const COMMONJS = (why: string): EntryFormat => ({ esm: false, why });

/**
 * Node's own order (run_main's choice of loader, then the CommonJS loader's
 * syntax detection). `packageType` and `moduleSyntax` are asked only when
 * the decision needs them: the nearest package.json's "type", and whether
 * the file's content is ES-module syntax.
 */
export function entryFormat(
  entry: string | undefined,
  runtime: ModuleRuntime,
  packageType: () => string | undefined,
  moduleSyntax: () => boolean,
): EntryFormat {
  if (!entry) return COMMONJS('no entry script');
  if (runtime.defaultTypeModule) return ESM('--experimental-default-type=module');
  if (runtime.userLoaders) return ESM('an --import or --loader runs the entry through the ESM loader');
  const extension = extname(entry);
  if (extension === '.mjs') return ESM('.mjs entry');
  if (extension === '.cjs') return COMMONJS('.cjs entry');
  const typeScript = extension === '.ts' || extension === '.mts' || extension === '.cts';
  if (typeScript && !runtime.typeStripping) return COMMONJS('TypeScript entry without type stripping');
  if (extension === '.mts') return ESM('.mts entry');
  if (extension === '.cts') return COMMONJS('.cts entry');
  const type = packageType();
  if (type === 'module') return ESM('package.json "type": "module"');
  if (type === 'commonjs') return COMMONJS('package.json "type": "commonjs"');
  if (runtime.syntaxDetection && moduleSyntax()) return ESM('ES-module syntax, detected as Node does');
  return COMMONJS('CommonJS entry');
}

/** The nearest package.json's "type" (Node stops at the nearest package.json, "type" or not); an unreadable one is skipped. */
export function nearestPackageType(scriptPath: string, readFile: (path: string) => string = (p) => readFileSync(p, 'utf8')): string | undefined {
  let dir = dirname(resolve(scriptPath));
  for (;;) {
    try {
      const type = JSON.parse(readFile(join(dir, 'package.json'))).type;
      return typeof type === 'string' ? type : 'none';
    } catch {
      // no (readable) package.json here: look further up
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** The entry of this process, as this Node runs it. */
export function thisEntryFormat(
  scriptPath: string | undefined,
  runtime: ModuleRuntime = moduleRuntime(process.versions.node, nodeFlagTokens(process.execArgv, process.env.NODE_OPTIONS)),
  readFile: (path: string) => string = (p) => readFileSync(p, 'utf8'),
): EntryFormat {
  return entryFormat(
    scriptPath,
    runtime,
    () => nearestPackageType(scriptPath!, readFile),
    () => {
      try {
        const source = readFile(scriptPath!);
        return /\.[cm]?ts$/.test(scriptPath!) ? hasTypeScriptModuleSyntax(source) : hasModuleSyntax(source);
      } catch {
        return false;
      }
    },
  );
}

export function isEsmEntry(scriptPath: string | undefined, readFile?: (path: string) => string): boolean {
  return thisEntryFormat(scriptPath, undefined, readFile).esm;
}

export function wantsEsmHook(setting: EsmHookSetting, format: EntryFormat): boolean {
  if (setting === 'always') return true;
  if (setting === 'never') return false;
  return format.esm;
}
