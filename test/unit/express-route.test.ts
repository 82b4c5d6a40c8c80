/** How the express route is built from templates, and when ours replaces the upstream express instrumentation (src/instrumentations/express-route.ts, load.ts). */
import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { pathTemplate, routeFromTemplates } from '../../src/instrumentations/express-route';
import { implementation } from '../../src/instrumentations/load';
import { parseConfig } from '../../src/config/config';

describe('pathTemplate', () => {
  it('writes paths as given to use() or route(): strings as they are, regular expressions and numbers as text, lists joined by commas', () => {
    expect(pathTemplate('/users/:id')).toBe('/users/:id');
    expect(pathTemplate(/^\/re\/\d+$/)).toBe('/^\\/re\\/\\d+$/');
    expect(pathTemplate(['/one', /two/, 3])).toBe('/one,/two/,3');
  });

  it('has no template for what is not a path (a middleware function, nothing)', () => {
    expect(pathTemplate(() => undefined)).toBeUndefined();
    expect(pathTemplate(undefined)).toBeUndefined();
  });
});

describe('routeFromTemplates', () => {
  it('joins the mount templates and the matched route, dropping root mounts and doubled slashes', () => {
    expect(routeFromTemplates(['/api', '/users', '/:id'], '/api/users/42')).toBe('/api/users/:id');
    expect(routeFromTemplates(['/', '/api/', '/status'], '/api/status')).toBe('/api/status');
    expect(routeFromTemplates(['/*', '/{*rest}', '/hello'], '/hello')).toBe('/hello');
  });

  it('adds a leading slash', () => {
    expect(routeFromTemplates(['hello'], '/hello')).toBe('/hello');
  });

  it('keeps a plain route only when the URL starts with it (a case-insensitive match has none), a parameterised one always', () => {
    expect(routeFromTemplates(['/api/status'], '/api/status?verbose=1')).toBe('/api/status');
    expect(routeFromTemplates(['/api/status'], '/API/STATUS')).toBeUndefined();
    expect(routeFromTemplates(['/users/:id'], '/USERS/1')).toBe('/users/:id');
  });

  it('gives root mounts alone a route only on the root URL', () => {
    expect(routeFromTemplates(['/'], '/')).toBe('/');
    expect(routeFromTemplates(['/', '/'], '/missing')).toBeUndefined();
    expect(routeFromTemplates([], '/')).toBeUndefined();
  });

  it('keeps regular expressions, lists and the bare catch-all as written', () => {
    expect(routeFromTemplates(['/^\\/re\\/\\d+$/'], '/re/12')).toBe('/^\\/re\\/\\d+$/');
    expect(routeFromTemplates(['/one,/two'], '/two')).toBe('/one,/two');
    expect(routeFromTemplates(['*'], '/anything')).toBe('*');
  });
});

describe('implementation', () => {
  const entry = { name: 'express', modules: ['express'], load: () => ({ UpstreamInstrumentation: class {} }) };
  const settings = (env: Record<string, string>) => parseConfig(env).config.instrumentations;

  it('takes the route with ours when no express layer spans are wanted (the default), under the same name and modules', () => {
    const chosen = implementation(entry, settings({}));
    expect(chosen).toMatchObject({ name: 'express', modules: ['express'] });
    expect(Object.keys(chosen.load())).toEqual(['ExpressRouteInstrumentation']);
  });

  it('keeps the upstream instrumentation when layer spans are wanted, and leaves other instrumentations alone', () => {
    expect(implementation(entry, settings({ CUSTOM_OTEL_EXPRESS_SPANS: 'handlers' }))).toBe(entry);
    expect(implementation(entry, settings({ CUSTOM_OTEL_EXPRESS_SPANS: 'all' }))).toBe(entry);
    const http = { ...entry, name: 'http' };
    expect(implementation(http, settings({}))).toBe(http);
  });
});

describe('ExpressRouteInstrumentation on a real express', () => {
  it('leaves a mounted router readable through its layer (route-listing tools read layer.handle.stack), and error handlers as they are', async () => {
    const { ExpressRouteInstrumentation } = await import('../../src/instrumentations/express-route');
    const instrumentation = new ExpressRouteInstrumentation({});
    try {
      const express = createRequire(__filename)('express');
      expect((express.Route.prototype.dispatch as { __wrapped?: boolean }).__wrapped, 'express patched when required').toBe(true);
      const app = express();
      const users = express.Router();
      users.get('/:id', () => undefined);
      app.use('/users', users);
      const onError = (error: unknown, req: unknown, res: unknown, next: () => void) => next();
      app.use('/users', onError);
      const layers = app._router.stack as Array<{ name: string; handle: { stack?: unknown; length: number } }>;
      const mounted = layers.find((layer) => layer.name === 'router')!;
      expect(mounted.handle).not.toBe(users);
      expect(mounted.handle.stack).toBe(users.stack);
      expect(mounted.handle.length).toBe(3);
      expect(layers.find((layer) => layer.handle.length === 4)!.handle).toBe(onError);
    } finally {
      instrumentation.disable();
    }
  });
});
