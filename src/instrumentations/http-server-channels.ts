/**
 * HTTP server spans fed by Node's own `diagnostics_channel`
 * (`http.server.request.start`, published for every request of every
 * http/https server just before its 'request' event), in place of
 * instrumentation-http's patched `Server.prototype.emit`.
 *
 * Per request, in this order:
 * - the sampling decision first: a request the policy certainly drops gets
 *   the trace context and the duration metric only (as the unsampled short
 *   path, unsampled-requests.ts); any other starts its span with only the
 *   method and path the sampler reads, and only a recorded span gets the
 *   request's attributes, built once (by plain-request-attributes.ts for a
 *   plain request, else by the instrumentation's own function);
 * - the request's context is entered once (enterWith, for the rest of the
 *   parser callback that emits 'request'), and bound to the request and
 *   response by one property write each (emitter-context.ts): no wrapper
 *   around the emit, no closures per request;
 * - at 'close' the instrumentation's own end of a server span runs (status,
 *   route, span name, error.type, captured response headers, the duration
 *   metric), so names and values stay exactly upstream's on its SDK line.
 *
 * The 1.x line's instrumentation (Node 14 and 16) is of another generation:
 * a request's span is started and ended by the calls its own patched emit
 * makes, and one that will not be recorded, under the old conventions,
 * skips the span's attributes (http-server-v1.ts); the rest (the decision
 * first, the context entered once and bound, no wrapper, the listeners) is
 * this file's.
 *
 * What this relies on is checked when the instrumentation is created
 * (channelsProblem); anything else, and any hook of the instrumentation's
 * configuration, keeps upstream's path, which the caller says in one line.
 * A 'request' listener that throws synchronously: upstream catches it around
 * the emit, ends the span with it and rethrows. Nothing wraps the emit here,
 * so the exception is seen by an 'uncaughtExceptionMonitor' listener (which
 * changes nothing of how the process handles it) while the request whose
 * 'request' event is being emitted is still the current one (until the
 * tick after the parser's callback), and handled as upstream does.
 */
import * as diagnosticsChannel from 'node:diagnostics_channel';
import { errorMonitor } from 'node:events';
import { dirname, extname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { AsyncLocalStorage } from 'node:async_hooks';
import type { Context, Span } from '@opentelemetry/api';
import { context, isSpanContextValid, propagation, ROOT_CONTEXT, SpanKind, trace, TraceFlags } from '../otel-api';
import type { RPCMetadata } from '@opentelemetry/core';
import { hrTime, RPCType } from '../otel-core';
import type { SamplingPolicy } from '../sampler/sampling-decision';
import { bindEmitterContext } from './emitter-context';
import { methodShapeProblem, type MethodTable } from './method-shape';
import { plainRequestAttributes } from './plain-request-attributes';
import { serverRequestContext } from './request-context';
import { certainlyUnsampled, closedRequestAttributes, failedRequestAttributes, normalizedMethod } from './unsampled-requests';
import {
  failV1ServerSpan,
  finishV1ServerSpan,
  finishV1UnsampledRequest,
  isV1Instrumentation,
  startV1ServerSpan,
  startV1UnsampledRequest,
  throwV1ServerSpan,
  v1Problem,
  type HttpInstrumentationV1,
  type HttpUtilsV1,
  type V1Start,
} from './http-server-v1';
import { UnsampledSpan } from './unsampled-span';

type Attributes = Record<string, unknown>;
type Listener = (...args: unknown[]) => void;
interface IncomingRequest {
  method?: string;
  url?: string;
  httpVersion?: string;
  httpVersionMajor?: number;
  httpVersionMinor?: number;
  headers: Record<string, string | string[] | undefined>;
  socket: { remoteAddress?: string; localPort?: number };
}
interface ServerResponse {
  statusCode?: number;
  on(event: string | symbol, listener: Listener): unknown;
}
interface RequestStart {
  request: IncomingRequest;
  response: ServerResponse;
  socket: { encrypted?: boolean };
  server: { listenerCount(event: string): number; emit: unknown };
}

/** What this path calls on the HTTP instrumentation (2.x and 3.x lines). */
interface HttpInstrumentation {
  getConfig(): Record<string, unknown>;
  setConfig(config: Record<string, unknown>): void;
  enable(): void;
  disable(): void;
  _startHttpSpan(name: string, options: { kind: SpanKind; attributes: Attributes }, ctx: Context): Span;
  _onServerResponseFinish(request: unknown, response: unknown, span: Span, metricAttributes: Attributes, startTime: unknown): void;
  _onServerResponseError(span: Span, metricAttributes: Attributes, startTime: unknown, error: unknown): void;
  _recordServerDuration(durationMs: number, attributes: Attributes): void;
  _headerCapture: { server: { captureRequestHeaders(read: (header: string) => unknown): Attributes } };
  _diag: unknown;
}
/** The instrumentation's own attribute builder (its utils module). */
interface HttpUtils {
  getIncomingRequestAttributes(request: unknown, options: Record<string, unknown>, logger: unknown): Attributes;
}

/** Configuration only upstream's path honours: any of it keeps that path. */
export const UPSTREAM_ONLY_OPTIONS = [
  'ignoreIncomingRequestHook',
  'startIncomingSpanHook',
  'requestHook',
  'responseHook',
  'applyCustomAttributesOnSpan',
  'disableIncomingRequestInstrumentation',
];

/** The instrumentation's methods this path calls on every generation. */
const COMMON_METHODS: MethodTable<HttpInstrumentation> = [
  ['getConfig', 0],
  ['setConfig', 0],
  ['enable', 0],
  ['disable', 0],
];

/** The methods it calls on the 2.x and 3.x lines' generation, with the parameters each declares. */
const SERVER_METHODS: MethodTable<HttpInstrumentation> = [['_startHttpSpan', 2], ['_onServerResponseFinish', 5], ['_onServerResponseError', 4], ['_recordServerDuration', 2], ...COMMON_METHODS];

/**
 * What keeps this path off for the instrumentation (pure): a sentence naming
 * what is not as checked, or undefined. The 1.x line's instrumentation is of
 * another generation, checked as such (http-server-v1.ts).
 */
export function channelsProblem(candidate: object, utils: Partial<HttpUtils> | undefined, storage: unknown): string | undefined {
  const http = candidate as Partial<HttpInstrumentation>;
  if (typeof (storage as AsyncLocalStorage<Context> | undefined)?.enterWith !== 'function') return "the context manager's AsyncLocalStorage is not reachable";
  const shape = methodShapeProblem<HttpInstrumentation>(candidate, isV1Instrumentation(candidate) ? COMMON_METHODS : SERVER_METHODS);
  if (shape !== undefined) return shape;
  if (isV1Instrumentation(candidate)) return v1Problem(candidate, utils);
  if (typeof http._headerCapture?.server?.captureRequestHeaders !== 'function') return '_headerCapture.server.captureRequestHeaders is missing';
  if (typeof utils?.getIncomingRequestAttributes !== 'function' || utils.getIncomingRequestAttributes.length !== 3) {
    return 'its utils module has no getIncomingRequestAttributes(request, options, logger)';
  }
  return undefined;
}

/**
 * Whether Node goes on to emit 'request' for a request it published (pure),
 * as its HTTP server decides: an HTTP/1.1 `Expect` header goes to
 * 'checkContinue' or 'checkExpectation' listeners instead, or, with none for
 * an expectation other than 100-continue, is answered 417 by Node itself.
 */
export function emitsRequestEvent(request: Pick<IncomingRequest, 'headers' | 'httpVersionMajor' | 'httpVersionMinor'>, server: Pick<RequestStart['server'], 'listenerCount'>): boolean {
  const expect = request.headers.expect;
  if (expect === undefined || request.httpVersionMajor !== 1 || request.httpVersionMinor !== 1) return true;
  if (/(?:^|\W)100-continue(?:$|\W)/i.test(String(expect))) return server.listenerCount('checkContinue') === 0;
  return false;
}

/**
 * Whether another OpenTelemetry instrumentation wraps this function (pure):
 * an app with an SDK of its own patches `Server.prototype.emit` and
 * `http.request` through shimmer, which marks its wrappers `__wrapped`. Its
 * wrapper makes the span (through our provider, as before these paths
 * existed, when its wrap replaced upstream's), so ours stands back and a
 * request keeps one span.
 */
export function wrappedByAnotherInstrumentation(emit: unknown): boolean {
  return typeof emit === 'function' && (emit as { __wrapped?: unknown }).__wrapped === true;
}

/** The path of the request target, as much as the sampler's rules need (pure): up to `?` or `#`. */
export function requestPathForSampling(url: string | undefined): string {
  if (!url) return '/';
  const query = url.indexOf('?');
  const fragment = url.indexOf('#');
  const end = query < 0 ? fragment : fragment < 0 ? query : Math.min(query, fragment);
  const path = end < 0 ? url : url.slice(0, end);
  if (path.startsWith('/')) return path;
  try {
    return new URL(url).pathname;
  } catch {
    return path;
  }
}

/**
 * The instrumentation's utils module (build/src/utils.js on 2.x, dist/utils.cjs
 * on 3.x), beside its entry point as `from` resolves it. Only the catalog
 * loads it, next to the instrumentation's own exports (the bundler puts it in
 * the instrumentation's chunk, where no resolution could find it).
 */
export function loadHttpUtils(from: NodeJS.Require = require): Partial<HttpUtils> | undefined {
  try {
    const main = from.resolve('@opentelemetry/instrumentation-http');
    return from(join(dirname(main), `utils${extname(main)}`)) as Partial<HttpUtils>;
  } catch {
    return undefined;
  }
}

/** The utils module among an instrumentation package's exports as the catalog loaded them, known by what it holds. */
export function httpUtilsIn(exports: Record<string, unknown> | undefined): Partial<HttpUtils> | undefined {
  for (const value of Object.values(exports ?? {})) {
    if (typeof (value as Partial<HttpUtils> | null)?.getIncomingRequestAttributes === 'function') return value as Partial<HttpUtils>;
  }
  return undefined;
}

/** http.server.request.duration's attributes of the request, as the instrumentation makes them when it starts a span (2.x and 3.x lines). */
function requestMetricAttributes(request: IncomingRequest, component: string): Attributes {
  const attributes: Attributes = { 'http.request.method': normalizedMethod(request.method), 'url.scheme': component };
  if (request.httpVersion) attributes['network.protocol.version'] = request.httpVersion;
  return attributes;
}

/** Per request, on the response: read by the shared listeners below (no closure per request). */
const kRequestState = Symbol('custom-otel.http-server-request');
interface RequestState {
  http: HttpInstrumentation;
  request: IncomingRequest;
  span: Span;
  context: Context;
  rpc: RPCMetadata;
  /** The duration's attributes of the request, for the 2.x and 3.x lines' ends (the 1.x line's ends read theirs from `v1`, the same object). */
  metricAttributes: Attributes;
  startTime: unknown;
  startMs: number;
  /** A span of the SDK (recorded or not) ends through the instrumentation; ours (UnsampledSpan) records the metric only. */
  upstreamSpan: boolean;
  done: boolean;
  /** The 1.x line's start, which its ends are called with. */
  v1: V1Start | undefined;
}
type StatefulResponse = ServerResponse & { [kRequestState]?: RequestState };

function finishUpstream(state: RequestState, response: StatefulResponse): void {
  if (state.v1 !== undefined) finishV1ServerSpan(state.http as unknown as HttpInstrumentationV1, state.request, response, state.v1);
  else state.http._onServerResponseFinish(state.request, response, state.span, state.metricAttributes, state.startTime);
}

/** The instrumentation's end of a span whose response failed (`thrown`: a 'request' listener threw). */
function failUpstream(state: RequestState, error: unknown, thrown: boolean): void {
  if (state.v1 === undefined) state.http._onServerResponseError(state.span, state.metricAttributes, state.startTime, error);
  else if (thrown) throwV1ServerSpan(state.http as unknown as HttpInstrumentationV1, state.v1, error);
  else failV1ServerSpan(state.http as unknown as HttpInstrumentationV1, state.v1, error);
}

function onResponseClose(this: StatefulResponse): void {
  const state = this[kRequestState];
  if (state === undefined || state.done) return;
  state.done = true;
  if (!state.upstreamSpan) {
    state.http._recordServerDuration(performance.now() - state.startMs, closedRequestAttributes(state.metricAttributes, state.rpc.route, this.statusCode));
    return;
  }
  if (state.v1 !== undefined && state.span instanceof UnsampledSpan) {
    // Started by startV1UnsampledRequest. The route is read from the request's RPC metadata, which is what the active context would hold.
    finishV1UnsampledRequest(state.http as unknown as HttpInstrumentationV1, state.request, this, state.rpc.route, state.v1);
    return;
  }
  // The instrumentation reads the route from the active context's RPC metadata.
  context.with(state.context, finishUpstream, undefined, state, this);
}

/**
 * The request whose 'request' event is being emitted, until the next tick
 * after the parser's callback: ticks run before microtasks (so a throw from a
 * tick or microtask the app queued is not taken for the emit's, as upstream's
 * try/catch around the emit would not take it), and are skipped when the
 * callback throws until the exception has been seen. A tick, not a microtask:
 * with async hooks on (Node 20's AsyncLocalStorage) queueMicrotask makes an
 * AsyncResource per request, ~3 µs more of always_off's CPU per request.
 */
let emitting: RequestState | undefined;
function emitted(): void {
  emitting = undefined;
}

/** A synchronous throw out of a 'request' listener, as upstream's wrapper around the emit records it. */
function onUncaughtException(error: unknown): void {
  const state = emitting;
  emitting = undefined;
  if (state === undefined || state.done) return;
  try {
    if (!state.upstreamSpan) {
      state.done = true;
      state.http._recordServerDuration(performance.now() - state.startMs, failedRequestAttributes(state.metricAttributes, error));
      return;
    }
    // Not done: upstream's 'close' listener still runs its end (which then finds the span ended).
    failUpstream(state, error, true);
  } catch {
    // The app's exception is what matters here.
  }
}

function onResponseError(this: StatefulResponse, error: unknown): void {
  const state = this[kRequestState];
  if (state === undefined || state.done) return;
  // After 'error', only 'close' follows, which must not end the span again.
  state.done = true;
  if (!state.upstreamSpan) {
    state.http._recordServerDuration(performance.now() - state.startMs, failedRequestAttributes(state.metricAttributes, error));
    return;
  }
  failUpstream(state, error, false);
}

/** Whether the path was installed, and if not, why. */
export type ChannelsOutcome = { installed: true } | { installed: false; reason: 'setting' | 'hooks' } | { installed: false; reason: 'shape'; problem: string };

/** The one line said at start about the path HTTP server spans take (pure). */
export function channelsNotice(outcome: ChannelsOutcome): { level: 'warn' | 'debug'; line: string } {
  if (outcome.installed) return { level: 'debug', line: 'HTTP server spans from diagnostics_channel (http.server.request.start)' };
  switch (outcome.reason) {
    case 'setting':
      return { level: 'debug', line: "HTTP server spans from upstream's instrumentation (CUSTOM_OTEL_HTTP_INSTRUMENTATION=upstream)" };
    case 'hooks':
      return { level: 'debug', line: `HTTP server spans from upstream's instrumentation (its configuration sets ${UPSTREAM_ONLY_OPTIONS.join(' or ')}, which only its path honours)` };
    case 'shape':
      return {
        level: 'warn',
        line: `HTTP server spans from upstream's instrumentation: its internals are not the ones checked (${outcome.problem}); same spans and metrics, more CPU per request`,
      };
  }
}

/**
 * Makes HTTP server spans from the diagnostics channel for this HTTP
 * instrumentation (just created, before it patches http/https: its server
 * patch is turned off through its public option). Returns whether it was
 * installed; when not, the instrumentation's own path is untouched.
 */
export function serveFromChannels(
  instrumentation: object,
  policy: SamplingPolicy,
  storage: unknown,
  utils: Partial<HttpUtils> | undefined,
): ChannelsOutcome {
  const problem = channelsProblem(instrumentation, utils, storage);
  if (problem !== undefined) return { installed: false, reason: 'shape', problem };
  const http = instrumentation as HttpInstrumentation;
  const config = http.getConfig();
  if (UPSTREAM_ONLY_OPTIONS.some((option) => config[option])) return { installed: false, reason: 'hooks' };
  const attributesOf = utils!.getIncomingRequestAttributes!;
  const v1Utils = isV1Instrumentation(instrumentation) ? (utils as unknown as HttpUtilsV1) : undefined;
  const contextStorage = storage as AsyncLocalStorage<Context>;
  http.setConfig({ ...config, disableIncomingRequestInstrumentation: true });

  // OpAMP's switches disable and enable the instrumentation: its client side unpatches, this side goes quiet.
  let active = true;
  const { enable, disable } = http;
  http.enable = function (this: HttpInstrumentation) {
    active = true;
    return enable.call(this);
  };
  http.disable = function (this: HttpInstrumentation) {
    active = false;
    return disable.call(this);
  };

  const onRequestStart = (message: unknown): void => {
    const { request, response, socket, server } = message as RequestStart;
    // Always entered: the parser's callback may still hold the previous request's context of this connection (Node 18 to 22).
    let requestContext: Context = ROOT_CONTEXT;
    try {
      if (!active || wrappedByAnotherInstrumentation(server.emit) || !emitsRequestEvent(request, server)) return;
      const component = socket.encrypted ? 'https' : 'http';
      const startMs = performance.now();
      const parentContext = propagation.extract(ROOT_CONTEXT, request.headers);
      const extracted = trace.getSpanContext(parentContext);
      const parent = extracted && isSpanContextValid(extracted) ? extracted : undefined;
      let span: Span;
      let upstreamSpan = true;
      let v1: V1Start | undefined;
      let metricAttributes: Attributes;
      // Asked per request: OpAMP's sampling_rate changes the policy while the app runs.
      const unsampled = certainlyUnsampled(policy, parent === undefined ? undefined : (parent.traceFlags & TraceFlags.SAMPLED) !== 0);
      if (v1Utils !== undefined) {
        // The 1.x line's: its ends for every request, its start unless the request will not be recorded.
        const v1Http = http as unknown as HttpInstrumentationV1;
        v1 = (unsampled && startV1UnsampledRequest(v1Http, v1Utils, request, component, new UnsampledSpan(parent))) || startV1ServerSpan(v1Http, v1Utils, request, component, parentContext);
        span = v1.span;
        metricAttributes = v1.oldMetricAttributes;
      } else if (unsampled) {
        metricAttributes = requestMetricAttributes(request, component);
        span = new UnsampledSpan(parent);
        upstreamSpan = false;
      } else {
        metricAttributes = requestMetricAttributes(request, component);
        // What the sampler reads; a recorded span then gets every attribute (the path among them, exactly as the instrumentation writes it).
        const samplerAttributes: Attributes = { 'http.request.method': metricAttributes['http.request.method'], 'url.scheme': component, 'url.path': requestPathForSampling(request.url) };
        span = http._startHttpSpan(request.method || 'GET', { kind: SpanKind.SERVER, attributes: samplerAttributes }, parentContext);
        if (span.isRecording()) {
          const current = http.getConfig();
          const attributes =
            (!current.enableSyntheticSourceDetection && plainRequestAttributes(request, component)) ||
            attributesOf(
              request,
              {
                component,
                hookAttributes: undefined,
                enableSyntheticSourceDetection: current.enableSyntheticSourceDetection || false,
                redactedQueryParams: current.redactedQueryParamsServer,
              },
              http._diag,
            );
          Object.assign(attributes, http._headerCapture.server.captureRequestHeaders((header) => request.headers[header]));
          span.setAttributes(attributes as never);
        }
      }
      const rpc: RPCMetadata = { type: RPCType.HTTP, span };
      requestContext = serverRequestContext(parentContext, span, rpc);
      const startTime = v1 !== undefined ? v1.startTime : upstreamSpan ? hrTime() : undefined;
      const state: RequestState = { http, request, span, context: requestContext, rpc, metricAttributes, startTime, startMs, upstreamSpan, done: false, v1 };
      (response as StatefulResponse)[kRequestState] = state;
      // Before the context is bound: these need no context of their own.
      response.on('close', onResponseClose as Listener);
      response.on(errorMonitor, onResponseError as Listener);
      if (!bindEmitterContext(request, requestContext)) context.bind(requestContext, request as never);
      if (!bindEmitterContext(response, requestContext)) context.bind(requestContext, response as never);
      if (emitting === undefined) process.nextTick(emitted);
      emitting = state;
    } catch {
      // Never the app's problem: the request goes on untraced.
    } finally {
      contextStorage.enterWith(requestContext);
    }
  };
  // Held here: a channel nobody references may be collected with its subscribers on some Node versions.
  requestStartChannel = diagnosticsChannel.channel('http.server.request.start');
  requestStartChannel.subscribe(onRequestStart);
  process.on('uncaughtExceptionMonitor', onUncaughtException);
  return { installed: true };
}

let requestStartChannel: diagnosticsChannel.Channel | undefined;
