/**
 * What our express route instrumentation relies on of Express's router is
 * checked on the module before it is patched (expressShapeProblem); a module
 * shaped otherwise goes to upstream's express instrumentation, said in one line.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { expressFallbackLine, expressShapeProblem, ExpressRouteInstrumentation } from '../../src/instrumentations/express-route';
import { ensureLockedDependencies } from '../support/test-app-prerequisites';

const EXPRESS5_DIR = join(__dirname, '../fixtures/express5');
type Module = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A copy of an express module's exports with some changed (the copy is what is checked and patched). */
function changed(express: Module, changes: Module): Module {
  const copy: Module = function createApplication(this: unknown, ...args: unknown[]) {
    return express.apply(this, args);
  };
  for (const key of Object.keys(express)) copy[key] = express[key];
  return Object.assign(copy, changes);
}

describe.each([
  ['Express 4', () => createRequire(__filename)('express') as Module],
  ['Express 5', () => createRequire(join(EXPRESS5_DIR, 'package.json'))('express') as Module],
])('%s', (_major, load) => {
  let express: Module;
  beforeAll(async () => {
    await ensureLockedDependencies(EXPRESS5_DIR);
    express = load();
  }, 5 * 60_000);

  it('is shaped as checked', () => {
    expect(expressShapeProblem(express)).toBeUndefined();
  });

  it.each([
    ['Route no longer exported', () => changed(express, { Route: undefined }), 'express.Route.prototype.dispatch is missing'],
    ['Router gone', () => changed(express, { Router: undefined }), 'express.Router has no use()'],
    [
      'use() keeping layers elsewhere',
      () => {
        const Router = Object.assign(function Router() {
          return { stack: [], use() {}, route() {} };
        }, { use() {}, prototype: { route() {}, use() {} } });
        return changed(express, { Router });
      },
      'router.use() no longer adds a layer holding the handle to router.stack',
    ],
    ['a Route without its path', () => changed(express, { Route: class { dispatch() {} } }), 'a Route no longer keeps its path'],
    [
      'a router that throws when probed',
      () => changed(express, { Router: Object.assign(() => { throw new Error('needs options'); }, { use() {}, prototype: { route() {}, use() {} } }) }),
      'probing its router threw (needs options)',
    ],
  ])('%s: named', (_change, make, problem) => {
    expect(expressShapeProblem(make())).toBe(problem);
  });

  it("a changed module is handed to upstream's instrumentation, said once; ours wraps nothing of it", () => {
    const lines: string[] = [];
    const patchedBy: unknown[] = [];
    const module = changed(express, { Route: undefined });
    const upstreamDefinition = { patch: (exports: unknown) => (patchedBy.push(exports), exports), unpatch: () => undefined };
    const ours = new ExpressRouteInstrumentation({ enabled: false }, { upstream: () => ({ getModuleDefinitions: () => [upstreamDefinition] }), say: (line) => lines.push(line) });
    const useBefore = module.Router.prototype?.route ? module.Router.prototype.use : module.Router.use;
    const [definition] = ours.getModuleDefinitions();
    expect(definition!.patch!(module, '9.0.0')).toBe(module);
    expect(patchedBy).toEqual([module]);
    expect(lines).toEqual([expressFallbackLine('9.0.0', 'express.Route.prototype.dispatch is missing')]);
    expect(module.Router.prototype?.route ? module.Router.prototype.use : module.Router.use).toBe(useBefore);
  });
});

describe("with upstream's real express instrumentation as the fallback", () => {
  it('patches the changed module with it (its layer wrapping is in place)', async () => {
    const { ExpressInstrumentation } = await import('@opentelemetry/instrumentation-express');
    const express = createRequire(__filename)('express') as Module;
    const module = changed(express, { Route: undefined });
    const lines: string[] = [];
    const ours = new ExpressRouteInstrumentation({ enabled: false }, { upstream: () => new ExpressInstrumentation({ enabled: false }), say: (line) => lines.push(line) });
    const [definition] = ours.getModuleDefinitions();
    try {
      definition!.patch!(module, '4.22.3');
      expect(lines).toHaveLength(1);
      expect((module.Router.use as { __wrapped?: boolean }).__wrapped, "router.use wrapped by upstream's instrumentation").toBe(true);
      expect((module.Router.route as { __wrapped?: boolean }).__wrapped).toBe(true);
    } finally {
      definition!.unpatch!(module, '4.22.3');
    }
    expect((module.Router.use as { __wrapped?: boolean }).__wrapped, 'unpatched again').toBeFalsy();
  });
});
