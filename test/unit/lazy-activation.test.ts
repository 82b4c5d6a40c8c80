import { afterEach, describe, expect, it } from 'vitest';
import Module, { createRequire } from 'node:module';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { activateOnFirstRequire, activateOnFirstResolve, packageOf } from '../../src/instrumentations/lazy-activation';

describe('packageOf', () => {
  it.each([
    ['express', 'express'],
    ['express/lib/router/index.js', 'express'],
    ['@grpc/grpc-js', '@grpc/grpc-js'],
    ['@grpc/grpc-js/build/src/index.js', '@grpc/grpc-js'],
    ['node:http', 'http'],
    ['http', 'http'],
    ['./local', undefined],
    ['../up', undefined],
    ['/abs/path.js', undefined],
    ['@scope', undefined],
  ])('%s -> %s', (request, expected) => {
    expect(packageOf(request)).toBe(expected);
  });
});

describe('activateOnFirstRequire', () => {
  const proto = Module.prototype as unknown as { require: (id: string) => unknown };
  const original = proto.require;
  const localRequire = createRequire(__filename);
  let remove: (() => void) | undefined;
  afterEach(() => {
    remove?.();
    proto.require = original;
  });

  it('activates an entry once, before the first require of any of its modules, then removes itself', () => {
    const order: string[] = [];
    remove = activateOnFirstRequire(
      [
        { modules: ['path', 'url'], value: 'paths' },
        { modules: ['os'], value: 'os' },
      ],
      (value) => order.push(`activate ${value}`),
    );
    expect(proto.require).not.toBe(original);
    localRequire('node:url');
    localRequire('path');
    expect(order).toEqual(['activate paths']);
    localRequire('os');
    expect(order).toEqual(['activate paths', 'activate os']);
    expect(proto.require).toBe(original);
  });

  it('goes through a require hook that an activation installs, so that hook sees the same load', () => {
    const seen: string[] = [];
    remove = activateOnFirstRequire([{ modules: ['util'], value: 'util' }], () => {
      const inner = proto.require;
      proto.require = function (this: unknown, id: string) {
        seen.push(id);
        return inner.call(this, id);
      };
    });
    const util = localRequire('util');
    expect(util).toBe(original.call(module, 'util'));
    expect(seen).toEqual(['util']);
  });

  it('installs nothing when nothing waits', () => {
    remove = activateOnFirstRequire([], () => undefined);
    expect(proto.require).toBe(original);
  });
});

describe('activateOnFirstResolve', () => {
  const proto = Module.prototype as unknown as { require: (id: string) => unknown };
  const original = proto.require;
  afterEach(() => {
    proto.require = original;
  });

  it('activates an entry once, when an import of one of its modules is resolved, before resolution goes on', () => {
    const order: string[] = [];
    let resolve: ((specifier: string, context: unknown, next: (s: string, c: unknown) => unknown) => unknown) | undefined;
    let deregistered = false;
    const remove = activateOnFirstResolve(
      [
        { modules: ['express'], value: 'express' },
        { modules: ['pg', 'pg-pool'], value: 'pg' },
      ],
      (value) => order.push(`activate ${value}`),
      (hooks) => {
        resolve = hooks.resolve;
        return { deregister: () => void (deregistered = true) };
      },
    );
    const next = (specifier: string) => {
      order.push(`resolve ${specifier}`);
      return { url: `file:///${specifier}` };
    };
    expect(resolve!('express', {}, next)).toEqual({ url: 'file:///express' });
    resolve!('express/lib/router/index.js', {}, next);
    resolve!('./local.mjs', {}, next);
    resolve!('node:pg-pool', {}, next);
    resolve!('pg', {}, next);
    expect(order).toEqual(['activate express', 'resolve express', 'resolve express/lib/router/index.js', 'resolve ./local.mjs', 'activate pg', 'resolve node:pg-pool', 'resolve pg']);
    remove();
    expect(deregistered).toBe(true);
    expect(proto.require).toBe(original);
  });

  it('activates by the resolved URL when the specifier does not name the package (a path, an alias)', () => {
    const order: string[] = [];
    let resolve: ((specifier: string, context: unknown, next: (s: string, c: unknown) => unknown) => unknown) | undefined;
    const remove = activateOnFirstResolve([{ modules: ['pg'], value: 'pg' }], (value) => order.push(`activate ${value}`), (hooks) => {
      resolve = hooks.resolve;
      return {};
    });
    resolve!('#db', {}, () => ({ url: 'file:///srv/app/node_modules/.pnpm/pg@8.11.3/node_modules/pg/lib/index.js' }));
    expect(order).toEqual(['activate pg']);
    remove();
  });

  it('registers no hook when nothing waits', () => {
    let registered = false;
    activateOnFirstResolve([], () => undefined, () => {
      registered = true;
      return {};
    });
    expect(registered).toBe(false);
  });
});

describe('activateOnFirstRequire: however the module is named', () => {
  const internals = Module as unknown as { prototype: { require: (id: string) => unknown }; _resolveFilename: unknown; _load: (request: string, parent: unknown, isMain: boolean) => unknown };
  const originalRequire = internals.prototype.require;
  const originalResolve = internals._resolveFilename;
  let remove: (() => void) | undefined;
  afterEach(() => {
    remove?.();
    internals.prototype.require = originalRequire;
    internals._resolveFilename = originalResolve;
  });

  /** An app directory with packages in node_modules, one in a pnpm store behind a symlink, and an "imports" alias. */
  function appDir(): string {
    const root = mkdtempSync(join(tmpdir(), 'lazy-activation-'));
    const write = (path: string, text: string) => {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    };
    write('package.json', JSON.stringify({ name: 'app', imports: { '#db': 'dbdriver' } }));
    for (const name of ['dbdriver', 'webfw', 'other']) {
      write(`node_modules/${name}/package.json`, JSON.stringify({ name, main: 'index.js' }));
      write(`node_modules/${name}/index.js`, `module.exports = { name: ${JSON.stringify(name)}, inner: require('./lib/inner') };`);
      write(`node_modules/${name}/lib/inner.js`, 'module.exports = 1;');
    }
    write('node_modules/.pnpm/storepkg@1.0.0/node_modules/storepkg/package.json', JSON.stringify({ name: 'storepkg' }));
    write('node_modules/.pnpm/storepkg@1.0.0/node_modules/storepkg/index.js', 'module.exports = "storepkg";');
    symlinkSync(join(root, 'node_modules/.pnpm/storepkg@1.0.0/node_modules/storepkg'), join(root, 'node_modules/storepkg'));
    write('src/server.js', '');
    return root;
  }

  function watch(): { activated: string[] } {
    const activated: string[] = [];
    remove = activateOnFirstRequire(
      ['dbdriver', 'webfw', 'storepkg'].map((name) => ({ modules: [name], value: name })),
      (value) => activated.push(value),
    );
    return { activated };
  }

  it('by an absolute path into node_modules', () => {
    const root = appDir();
    const { activated } = watch();
    createRequire(join(root, 'src/server.js'))(join(root, 'node_modules/dbdriver/index.js'));
    expect(activated).toEqual(['dbdriver']);
  });

  it('by a relative path into node_modules, and a package.json "imports" alias', () => {
    const root = appDir();
    const { activated } = watch();
    const appRequire = createRequire(join(root, 'src/server.js'));
    appRequire('../node_modules/webfw');
    appRequire('#db');
    expect(activated).toEqual(['webfw', 'dbdriver']);
  });

  it('by require.resolve with paths, and a direct Module._load', () => {
    const root = appDir();
    const { activated } = watch();
    const resolved = createRequire(__filename).resolve('webfw', { paths: [root] });
    expect(activated).toEqual(['webfw']);
    internals._load(join(root, 'node_modules/dbdriver'), null, false);
    expect(activated).toEqual(['webfw', 'dbdriver']);
    expect(resolved).toBe(join(root, 'node_modules/webfw/index.js'));
  });

  it('through a symlink into a pnpm store, by name and by the link path', () => {
    const root = appDir();
    const { activated } = watch();
    expect(createRequire(join(root, 'src/server.js'))(join(root, 'node_modules/storepkg'))).toBe('storepkg');
    expect(activated).toEqual(['storepkg']);
  });

  it('leaves packages nobody waits for alone', () => {
    const root = appDir();
    const { activated } = watch();
    createRequire(join(root, 'src/server.js'))('other');
    expect(activated).toEqual([]);
  });
});
