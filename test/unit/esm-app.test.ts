import { describe, expect, it } from 'vitest';
import { entryFormat, isEsmEntry, nearestPackageType, wantsEsmHook } from '../../src/esm-app';
import type { ModuleRuntime } from '../../src/module-runtime';

const files = (tree: Record<string, string>) => (path: string) => {
  if (path in tree) return tree[path]!;
  throw Object.assign(new Error(`ENOENT ${path}`), { code: 'ENOENT' });
};

describe('isEsmEntry', () => {
  it('decides by extension where the extension says', () => {
    expect(isEsmEntry('/app/server.mjs', files({}))).toBe(true);
    expect(isEsmEntry('/app/server.cjs', files({ '/app/package.json': '{"type":"module"}' }))).toBe(false);
  });

  it('reads the nearest package.json for .js', () => {
    expect(isEsmEntry('/app/src/index.js', files({ '/app/package.json': '{"type":"module"}' }))).toBe(true);
    expect(isEsmEntry('/app/src/index.js', files({ '/app/src/package.json': '{}', '/app/package.json': '{"type":"module"}' }))).toBe(false);
    expect(isEsmEntry('/app/index.js', files({}))).toBe(false);
  });

  it('skips an unreadable package.json and looks further up', () => {
    expect(isEsmEntry('/app/src/index.js', files({ '/app/src/package.json': '{broken', '/app/package.json': '{"type":"module"}' }))).toBe(true);
  });

  it('is false without an entry script (node -e, the REPL)', () => {
    expect(isEsmEntry(undefined)).toBe(false);
  });
});

describe('wantsEsmHook', () => {
  it('follows the setting, and the entry under auto', () => {
    expect(wantsEsmHook('always', { esm: false, why: '' })).toBe(true);
    expect(wantsEsmHook('never', { esm: true, why: '' })).toBe(false);
    expect(wantsEsmHook('auto', { esm: true, why: '' })).toBe(true);
    expect(wantsEsmHook('auto', { esm: false, why: '' })).toBe(false);
  });
});

describe('entryFormat: as Node decides', () => {
  const runtime = (over: Partial<ModuleRuntime> = {}): ModuleRuntime => ({ syntaxDetection: true, typeStripping: true, defaultTypeModule: false, userLoaders: false, ...over });
  const never = () => {
    throw new Error('not asked');
  };
  const decide = (entry: string | undefined, rt: ModuleRuntime, type: string | undefined, syntax: boolean) => entryFormat(entry, rt, () => type, () => syntax).esm;

  it('takes .mjs/.cjs by extension without reading anything', () => {
    expect(entryFormat('/a/s.mjs', runtime(), never, never)).toEqual({ esm: true, why: '.mjs entry' });
    expect(entryFormat('/a/s.cjs', runtime(), never, never).esm).toBe(false);
  });
  it('runs everything through the ESM loader with --import/--loader or --experimental-default-type=module', () => {
    expect(entryFormat('/a/s.cjs', runtime({ userLoaders: true }), never, never).esm).toBe(true);
    expect(entryFormat('/a/s.js', runtime({ defaultTypeModule: true }), never, never).esm).toBe(true);
  });
  it('takes .mts/.cts by extension only where types are stripped', () => {
    expect(entryFormat('/a/s.mts', runtime(), never, never).esm).toBe(true);
    expect(entryFormat('/a/s.cts', runtime(), never, never).esm).toBe(false);
    expect(entryFormat('/a/s.mts', runtime({ typeStripping: false }), never, never).esm).toBe(false);
  });
  it('lets the nearest package.json "type" decide a .js and a .ts', () => {
    expect(decide('/a/s.js', runtime(), 'module', false)).toBe(true);
    expect(decide('/a/s.ts', runtime(), 'module', false)).toBe(true);
    expect(decide('/a/s.js', runtime(), 'commonjs', true)).toBe(false);
  });
  it('detects ES-module syntax where there is no "type" and the runtime detects', () => {
    expect(decide('/a/s.js', runtime(), undefined, true)).toBe(true);
    expect(decide('/a/s.js', runtime(), 'none', true)).toBe(true);
    expect(decide('/a/s.ts', runtime(), 'none', true)).toBe(true);
    expect(decide('/a/s', runtime(), undefined, true)).toBe(true);
    expect(decide('/a/s.js', runtime({ syntaxDetection: false }), undefined, true)).toBe(false);
    expect(decide('/a/s.js', runtime(), undefined, false)).toBe(false);
  });
  it('is CommonJS without an entry script (node -e, the REPL)', () => {
    expect(entryFormat(undefined, runtime(), never, never).esm).toBe(false);
  });
});

describe('nearestPackageType', () => {
  it('stops at the nearest package.json, with a "type" or not', () => {
    expect(nearestPackageType('/app/src/index.js', files({ '/app/src/package.json': '{}', '/app/package.json': '{"type":"module"}' }))).toBe('none');
    expect(nearestPackageType('/app/src/index.js', files({ '/app/package.json': '{"type":"module"}' }))).toBe('module');
    expect(nearestPackageType('/app/index.js', files({}))).toBeUndefined();
  });
});
