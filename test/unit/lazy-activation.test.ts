import { afterEach, describe, expect, it } from 'vitest';
import Module, { createRequire } from 'node:module';
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

  it('registers no hook when nothing waits', () => {
    let registered = false;
    activateOnFirstResolve([], () => undefined, () => {
      registered = true;
      return {};
    });
    expect(registered).toBe(false);
  });
});
