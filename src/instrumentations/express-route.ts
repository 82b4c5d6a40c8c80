/**
 * http.route for Express apps when no Express layer spans are wanted
 * (CUSTOM_OTEL_EXPRESS_SPANS=none). The upstream instrumentation wraps every
 * layer's handle and rebuilds the route on each layer call of each request,
 * even with every layer type ignored: about 8 µs per request on a
 * hello-world. Here the path template of each path-mounted layer is noted
 * once, when it is registered; per request, work is done only where a route
 * matches (Route.prototype.dispatch) and where a layer mounted at a path is
 * entered. The route goes where the HTTP instrumentation reads it (the
 * request's RPC metadata), which names the server span and sets http.route.
 *
 * Works for Express 4 and 5 (whose router is the `router` package, 2.x).
 */
import { context } from '../otel-api';
import { getRPCMetadata, RPCType } from '../otel-core';
import { InstrumentationBase, InstrumentationNodeModuleDefinition } from '@opentelemetry/instrumentation';

/** A path as given to use() or route(), as the upstream instrumentation writes it: arrays joined by commas, regular expressions as their source. */
export function pathTemplate(path: unknown): string | undefined {
  const one = (part: unknown): string | undefined =>
    typeof part === 'string' ? part : part instanceof RegExp || typeof part === 'number' ? part.toString() : undefined;
  return Array.isArray(path) ? path.map((part) => one(part) ?? '').join(',') : one(path);
}

/** A template that adds nothing to a route: the root and catch-all mounts (`/`, `/*`, Express 5's `/{*rest}`). */
const isRootTemplate = (template: string): boolean => template === '/' || template === '/*' || /^\/\{\*[^}]*\}$/.test(template);

/**
 * What of a route does not depend on the URL: the joined templates, and what
 * the URL must be for them to count (`prefix`: start with the route; `root`:
 * be `/`; `any`). Kept per route, so a request only checks its URL.
 */
export interface RouteCandidate {
  route: string | undefined;
  when: 'any' | 'prefix' | 'root';
}

export function routeCandidate(templates: readonly string[]): RouteCandidate {
  if (templates.length === 0) return { route: undefined, when: 'any' };
  const meaningful = templates.filter((template) => !isRootTemplate(template));
  if (meaningful.length === 0 && templates.every((template) => template === '/')) return { route: '/', when: 'root' };
  if (meaningful.length === 1 && meaningful[0] === '*') return { route: '*', when: 'any' };
  const joined = meaningful.join('').replace(/\/{2,}/g, '/');
  // Regular expressions and lists of paths are kept as written.
  if (joined.includes('/') && /[,\\*[]/.test(joined)) return { route: joined, when: 'any' };
  const route = joined.startsWith('/') ? joined : `/${joined}`;
  return { route, when: route.includes(':') || route.includes('*') ? 'any' : 'prefix' };
}

export function acceptRoute(candidate: RouteCandidate, originalUrl: string): string | undefined {
  const { route, when } = candidate;
  if (route === undefined || when === 'any') return route;
  return (when === 'root' ? originalUrl === '/' : originalUrl.startsWith(route)) ? route : undefined;
}

/**
 * The route of a request from the templates it went through (mounts, then
 * the matched route), by the upstream instrumentation's rules, so spans keep
 * their names: root mounts dropped, slashes collapsed, a leading slash added;
 * undefined when the result does not look like what the URL matched (only
 * root mounts on a path other than `/`, or a plain template the URL does not
 * start with, e.g. a case-insensitive match).
 */
export function routeFromTemplates(templates: readonly string[], originalUrl: string): string | undefined {
  return acceptRoute(routeCandidate(templates), originalUrl);
}

const MOUNTS = Symbol('custom-otel-express-mounts');
const TEMPLATE = Symbol('custom-otel-express-template');
const NOTED = Symbol('custom-otel-express-noted');
const CANDIDATE = Symbol('custom-otel-express-candidate');

/**
 * Where a request is among the app's path mounts: one node per chain of mount
 * templates, made the first time a request goes down it and kept, with the
 * route candidates below it, so a request does no string work. Templates are
 * the app's own, set when it registers them: the app's structure bounds the nodes.
 */
class MountChain {
  readonly candidate: RouteCandidate;
  private readonly children = new Map<string, MountChain>();
  private readonly routes = new WeakMap<object, RouteCandidate>();

  constructor(
    private readonly templates: readonly string[],
    readonly parent: MountChain | undefined,
  ) {
    this.candidate = routeCandidate(templates);
  }

  child(template: string): MountChain {
    let child = this.children.get(template);
    if (child === undefined) this.children.set(template, (child = new MountChain([...this.templates, template], this)));
    return child;
  }

  /** The candidate of a route (by its template; null: none) mounted here. */
  route(route: object, template: string | null): RouteCandidate {
    let candidate = this.routes.get(route);
    if (candidate === undefined) this.routes.set(route, (candidate = routeCandidate(template === null ? this.templates : [...this.templates, template])));
    return candidate;
  }
}

const TOP = new MountChain([], undefined);

type Request = { originalUrl?: string; url?: string; [MOUNTS]?: MountChain };
type Next = (error?: unknown) => unknown;
type Handle = ((this: unknown, req: Request, res: unknown, next: Next) => unknown) & { [NOTED]?: true };
interface Layer {
  name?: string;
  handle?: Handle;
}
type Use = (this: { stack?: Layer[] }, ...args: unknown[]) => unknown;
type Dispatch = (this: { path?: unknown; [TEMPLATE]?: string | null; [CANDIDATE]?: RouteCandidate }, req: Request, res: unknown, done: Next) => unknown;

/** Sets the route the HTTP instrumentation names the server span by (as the upstream instrumentation does, also to undefined). */
function setRoute(req: Request, candidate: RouteCandidate): void {
  const metadata = getRPCMetadata(context.active());
  if (metadata?.type === RPCType.HTTP) metadata.route = acceptRoute(candidate, req.originalUrl ?? req.url ?? '');
}

/** Routers and sub-apps hold the routes mounted under them: their template stays on the request while they run. */
const isContainer = (layer: Layer): boolean => layer.name === 'router' || layer.name === 'mounted_app';

/**
 * Wraps the handle of a layer mounted at `template` (only those: most layers
 * are mounted at the root and stay as they are), so that the requests it
 * handles note the template. The layer itself keeps its shape, so express's
 * router loop stays as fast; what the handle carries (a router's stack) is
 * reached through the wrapper as before.
 */
function noteMount(layer: Layer, template: string): void {
  const handle = layer.handle;
  if (typeof handle !== 'function' || handle.length > 3 || handle[NOTED]) return; // error handlers do not name routes (upstream neither)
  const container = isContainer(layer);
  const mounted: Handle = function handleMounted(this: unknown, req: Request, res: unknown, next: Next) {
    const here = (req[MOUNTS] ?? TOP).child(template);
    setRoute(req, here.candidate);
    if (!container) return handle.call(this, req, res, next);
    req[MOUNTS] = here;
    // Leaving the router (next) ends its part of the route.
    return handle.call(this, req, res, function leaveMount(this: unknown) {
      if (req[MOUNTS] === here) req[MOUNTS] = here.parent;
      return next.apply(this, arguments as unknown as [unknown]);
    });
  };
  // A router's or sub-app's own properties (stack, params, ...) stay readable and writable through the layer.
  for (const key in handle) {
    Object.defineProperty(mounted, key, {
      get: () => (handle as unknown as Record<string, unknown>)[key],
      set: (value) => ((handle as unknown as Record<string, unknown>)[key] = value),
      enumerable: true,
    });
  }
  Object.defineProperty(mounted, NOTED, { value: true });
  layer.handle = mounted;
}

type Express = { Router?: { prototype?: { route?: unknown; use?: Use }; use?: Use }; Route?: { prototype?: { dispatch?: Dispatch } } };

/** Where router.use and Route#dispatch live: Express 5 (router 2) has a Router class; Express 4's Router is the prototype object itself. */
function targets(express: Express) {
  const router = typeof express?.Router?.prototype?.route === 'function' ? express.Router.prototype : express?.Router;
  return { router, route: express?.Route?.prototype };
}

/**
 * What of Express's router this instrumentation relies on and finds
 * otherwise, or undefined when all is as on Express 4 and 5. Run on the
 * module before it is patched: it probes a throwaway router and route (use()
 * adds a layer holding the handle, a nested router's layer is named
 * `router`, a route keeps its path), which the app never sees.
 */
export function expressShapeProblem(express: unknown): string | undefined {
  const { router, route } = targets(express as Express);
  if (typeof router?.use !== 'function') return 'express.Router has no use()';
  if (typeof route?.dispatch !== 'function') return 'express.Route.prototype.dispatch is missing';
  try {
    const { Router, Route } = express as { Router: () => { stack?: Layer[]; use: Use }; Route: new (path: string) => { path?: unknown } };
    const probe = Router();
    const handle = function probeHandle() {};
    probe.use('/probe', handle);
    const layer = Array.isArray(probe.stack) ? probe.stack[probe.stack.length - 1] : undefined;
    if (layer?.handle !== handle) return 'router.use() no longer adds a layer holding the handle to router.stack';
    probe.use('/nested', Router());
    if (probe.stack![probe.stack!.length - 1]?.name !== 'router') return "a nested router's layer is no longer named 'router'";
    if (new Route('/probe').path !== '/probe') return 'a Route no longer keeps its path';
  } catch (error) {
    return `probing its router threw (${error instanceof Error ? error.message : String(error)})`;
  }
  return undefined;
}

/** Where Express's shape is not the one checked: upstream's instrumentation, and where to say so. */
export interface ExpressFallback {
  /** Upstream's express instrumentation with the same settings, not enabled (it is applied to the module directly). */
  upstream: () => { getModuleDefinitions(): Array<{ patch?: (exports: unknown, version?: string) => unknown; unpatch?: (exports: unknown, version?: string) => void }> };
  say: (line: string) => void;
}

export function expressFallbackLine(version: string | undefined, problem: string): string {
  return `express ${version ?? '(version unknown)'} is not shaped as checked (${problem}): http.route comes from upstream's express instrumentation instead (its per-layer wrapping, more CPU per request)`;
}

export class ExpressRouteInstrumentation extends InstrumentationBase {
  constructor(
    config: Record<string, unknown> = {},
    private readonly fallback?: ExpressFallback,
  ) {
    super('custom-otel-express-route', '1.0.0', config);
  }

  protected init() {
    // Modules handed to upstream's instrumentation, with what undoes it.
    const handedOver = new WeakMap<object, () => void>();
    const patch = (express: Express, version?: string) => {
      const problem = expressShapeProblem(express);
      if (problem !== undefined) return this.handOver(express, version, problem, handedOver);
      const { router, route } = targets(express);
      this._wrap(router!, 'use', (original) => notingMounts(original as Use) as never);
      this._wrap(route!, 'dispatch', (original) => namingRoute(original as Dispatch) as never);
      return express;
    };
    const unpatch = (express: Express) => {
      const undo = handedOver.get(express);
      if (undo) return undo();
      const { router, route } = targets(express);
      if (router) this._unwrap(router, 'use');
      if (route) this._unwrap(route, 'dispatch');
    };
    return [new InstrumentationNodeModuleDefinition('express', ['>=4.0.0 <6'], patch as never, unpatch as never)];
  }

  /** Upstream's instrumentation patches this module instead; without a fallback (not made by load.ts) the module stays as it is. */
  private handOver(express: Express, version: string | undefined, problem: string, handedOver: WeakMap<object, () => void>): Express {
    if (!this.fallback) return express;
    this.fallback.say(expressFallbackLine(version, problem));
    try {
      const [definition] = this.fallback.upstream().getModuleDefinitions();
      const patched = (definition?.patch?.(express, version) ?? express) as Express;
      handedOver.set(patched, () => definition?.unpatch?.(patched, version));
      return patched;
    } catch (error) {
      this.fallback.say(`upstream's express instrumentation could not patch express either (${error instanceof Error ? error.message : String(error)}): express runs without http.route`);
      return express;
    }
  }
}

/** router.use (app.use goes through it): the layers it adds under a path note that path. */
function notingMounts(original: Use): Use {
  return function use(...args) {
    const before = Array.isArray(this?.stack) ? this.stack.length : -1;
    const result = original.apply(this, args);
    try {
      const template = typeof args[0] === 'function' ? undefined : pathTemplate(args[0]);
      if (template !== undefined && template !== '/' && before >= 0 && Array.isArray(this.stack)) {
        for (const layer of this.stack.slice(before)) noteMount(layer, template);
      }
    } catch {
      // an unusual router keeps working, without a route
    }
    return result;
  };
}

/** Route#dispatch runs only for the route that matched: its template, under the mounts the request is in, is the route. */
function namingRoute(original: Dispatch): Dispatch {
  return function dispatch(req, res, done) {
    try {
      let template = this[TEMPLATE];
      if (template === undefined) template = this[TEMPLATE] = pathTemplate(this.path) ?? null;
      const chain = req[MOUNTS];
      // Not under a mounted router: the same for every request of this route, kept on it.
      if (chain === undefined || chain === TOP) setRoute(req, this[CANDIDATE] ?? (this[CANDIDATE] = routeCandidate(template === null ? [] : [template])));
      else setRoute(req, chain.route(this, template));
    } catch {
      // the request goes on without a route
    }
    return original.call(this, req, res, done);
  };
}
