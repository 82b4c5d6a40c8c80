import { describe, expect, it } from 'vitest';
import { isEsmEntry, wantsEsmHook } from '../../src/esm-app';

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
    expect(wantsEsmHook('always', '/a.cjs')).toBe(true);
    expect(wantsEsmHook('never', '/a.mjs')).toBe(false);
    expect(wantsEsmHook('auto', '/a.mjs')).toBe(true);
    expect(wantsEsmHook('auto', '/a.cjs')).toBe(false);
  });
});
