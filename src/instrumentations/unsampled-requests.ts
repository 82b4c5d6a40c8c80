/**
 * An incoming request that the sampler will certainly not record (always_off,
 * or a parent that was not sampled) still paid for everything the HTTP
 * instrumentation does for a recorded one: a dozen attributes parsed from the
 * URL, headers and socket, sanitised, handed to the sampler, then dropped.
 * For such a request we do only what is still observable: the trace context
 * (a non-recording span with a fresh span id, so outbound calls propagate it),
 * the route slot frameworks fill in, the context bound to the request and
 * response, and the http.server.request.duration histogram, recorded with the
 * attributes the instrumentation's close/error handling gives it. Even that
 * is done lean: the span's ids are drawn only when asked for, the binding
 * costs one property write (emitter-context.ts), and the instrumentation's
 * own close handling (span bookkeeping, attribute objects merged, headers
 * captured for a span that records nothing) is skipped.
 *
 * Only instrumentation versions whose internals were checked get this (those
 * of the 2.x and 3.x SDK lines, which emit the stable conventions only): the
 * check runs when the instrumentation is made, and any other shape, or a user
 * hook in the configuration, keeps upstream's full path.
 */
import { errorMonitor } from 'node:events';
import { performance } from 'node:perf_hooks';
import { context, isSpanContextValid, propagation, ROOT_CONTEXT, trace, TraceFlags } from '../otel-api';
import type { RPCMetadata } from '@opentelemetry/core';
import { RPCType } from '../otel-core';
import type { SamplingPolicy } from '../sampler/sampling-decision';
import { bindEmitterContext } from './emitter-context';
import { serverRequestContext } from './request-context';
import { UnsampledSpan } from './unsampled-span';

/**
 * Whether a server span with this parent will not be sampled whatever its
 * path, method and trace id (pure). `parentSampled` undefined: no valid parent.
 */
export function certainlyUnsampled(policy: SamplingPolicy, parentSampled: boolean | undefined): boolean {
  if (policy.parentBased && parentSampled !== undefined) return !(parentSampled ? policy.followParent.sampled : policy.followParent.notSampled);
  return policy.rootRatio <= 0 && policy.rules.every((rule) => rule.ratio <= 0);
}

/** Whether any request could take the short path under this policy. */
export function mayTakeShortPath(policy: SamplingPolicy): boolean {
  return certainlyUnsampled(policy, undefined) || (policy.parentBased && (certainlyUnsampled(policy, false) || certainlyUnsampled(policy, true)));
}

type Listener = (...args: unknown[]) => void;
interface IncomingRequest {
  method?: string;
  httpVersion?: string;
  headers: Record<string, string | string[] | undefined>;
}
interface ServerResponse {
  statusCode?: number;
  on(event: string | symbol, listener: Listener): unknown;
}
type Emit = (this: unknown, event: unknown, ...args: unknown[]) => unknown;

interface HttpInstrumentationInternals {
  _incomingRequestFunction(component: string, original: Emit): Emit;
  _recordServerDuration(durationMs: number, attributes: Record<string, unknown>): void;
  getConfig(): Record<string, unknown>;
}

/** Configuration that only the full path honours. */
const FULL_PATH_OPTIONS = [
  'ignoreIncomingRequestHook',
  'startIncomingSpanHook',
  'requestHook',
  'responseHook',
  'applyCustomAttributesOnSpan',
  'requireParentforIncomingSpans',
];

/**
 * What keeps the short path off for this instrumentation (pure): `sdk-1.x`
 * for the 1.x line's, whose instrumentation emits old and/or stable
 * conventions and records differently (by design, no short path there), a
 * sentence naming the internal that is not as checked, or undefined when its
 * internals are the ones the short path was written against.
 */
export function httpInternalsProblem(candidate: object): 'sdk-1.x' | string | undefined {
  const internals = candidate as Partial<HttpInstrumentationInternals>;
  if ('_semconvStability' in candidate) return 'sdk-1.x';
  if (typeof internals._incomingRequestFunction !== 'function' || internals._incomingRequestFunction.length !== 2) {
    return '_incomingRequestFunction(component, original) is missing or takes other parameters';
  }
  if (typeof internals._recordServerDuration !== 'function' || internals._recordServerDuration.length !== 2) {
    return '_recordServerDuration(durationMs, attributes) is missing or takes other parameters';
  }
  if (typeof internals.getConfig !== 'function') return 'getConfig() is missing';
  try {
    // A factory: it makes the listener that wraps the server's emit, and touches nothing else.
    if (typeof internals._incomingRequestFunction.call(candidate, 'http', () => false) !== 'function') {
      return '_incomingRequestFunction no longer returns a listener';
    }
  } catch (error) {
    return `_incomingRequestFunction throws (${error instanceof Error ? error.message : String(error)})`;
  }
  return undefined;
}

/** Whether the short path was installed, and if not, why. */
export type ShortPathOutcome = { installed: true } | { installed: false; reason: 'not-needed' | 'sdk-1.x' } | { installed: false; reason: 'shape'; problem: string };

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH', 'QUERY']);

/** http.request.method as the instrumentation writes it. */
export function normalizedMethod(method: string | undefined): string {
  if (method == null) return 'GET';
  // Node's parser hands over the method as sent, nearly always a known one in upper case.
  if (KNOWN_METHODS.has(method)) return method;
  const upper = method.toUpperCase();
  return KNOWN_METHODS.has(upper) ? upper : '_OTHER';
}

/**
 * The http.server.request.duration attributes the instrumentation records
 * when the response closes (pure): those of the request, the route a
 * framework set, the status code, and error.type for a 5xx status.
 */
export function closedRequestAttributes(request: Readonly<Record<string, unknown>>, route: string | undefined, statusCode: number | undefined): Record<string, unknown> {
  // Object.assign, not a spread: on Node 20 each property added to a spread copy costs ~0.5 µs (this function: 1,256 ns spread, 55 ns so).
  const attributes: Record<string, unknown> = Object.assign({}, request);
  if (route !== undefined) attributes['http.route'] = route;
  if (statusCode) {
    attributes['http.response.status_code'] = statusCode;
    if (statusCode >= 500 && statusCode < 600) attributes['error.type'] = String(statusCode);
  }
  return attributes;
}

/** The http.server.request.duration attributes of a request whose response failed or whose listener threw (pure): error.type is the error's name. */
export function failedRequestAttributes(request: Readonly<Record<string, unknown>>, error: unknown): Record<string, unknown> {
  const attributes: Record<string, unknown> = Object.assign({}, request);
  attributes['error.type'] = (error as Error | undefined)?.name;
  return attributes;
}

/** The one line said at start when the short path could have run and does not (pure). */
export function shortPathNotice(outcome: ShortPathOutcome): { level: 'warn' | 'debug'; line: string } | undefined {
  if (outcome.installed || outcome.reason === 'not-needed') return undefined;
  if (outcome.reason !== 'shape') return { level: 'debug', line: "the 1.x line's HTTP instrumentation keeps its full path for requests that will not be sampled" };
  return {
    level: 'warn',
    line: `the HTTP instrumentation's internals are not the ones checked (${outcome.problem}): requests that will not be sampled take its full path, as upstream does (same spans and metrics, more CPU per request)`,
  };
}

/**
 * Gives the HTTP instrumentation the short path for requests that will not be
 * sampled. Must run right after the instrumentation is created, before it
 * patches http/https. Returns whether it was installed, and if not, why: an
 * instrumentation whose internals are not as checked keeps its own full path
 * for every request, which the caller says in one line.
 */
export function shortenUnsampledRequests(
  instrumentation: object,
  policy: SamplingPolicy,
  /** The policy may change later (OpAMP): install even when no request could take the short path now. */
  policyMayChange = false,
): ShortPathOutcome {
  if (!policyMayChange && !mayTakeShortPath(policy)) return { installed: false, reason: 'not-needed' };
  const problem = httpInternalsProblem(instrumentation);
  if (problem === 'sdk-1.x') return { installed: false, reason: 'sdk-1.x' };
  if (problem !== undefined) return { installed: false, reason: 'shape', problem };
  const http = instrumentation as HttpInstrumentationInternals;
  const upstream = http._incomingRequestFunction;
  // The configuration rarely changes: whether it asks for the full path is
  // worked out again only when it does.
  let checkedConfig: Record<string, unknown> | undefined;
  let configNeedsFullPath = false;
  http._incomingRequestFunction = function (this: HttpInstrumentationInternals, component: string, original: Emit): Emit {
    const full = upstream.call(this, component, original);
    return function incomingRequest(this: unknown, event: unknown): unknown {
      // eslint-disable-next-line prefer-rest-params
      const args = arguments as unknown as unknown[];
      if (event !== 'request') return Reflect.apply(original, this, args);
      const config = http.getConfig();
      if (config !== checkedConfig) {
        checkedConfig = config;
        configNeedsFullPath = FULL_PATH_OPTIONS.some((option) => config[option]);
      }
      if (configNeedsFullPath) return Reflect.apply(full, this, args);
      const request = args[1] as IncomingRequest;
      const response = args[2] as ServerResponse;
      // Extracted exactly as the full path does, whatever the request
      // carries: propagation.fields() names only what a propagator writes
      // (B3 reads both of its formats, Jaeger reads uberctx-* baggage), so
      // it cannot tell that a request has nothing to extract.
      const parentContext = propagation.extract(ROOT_CONTEXT, request.headers);
      const extracted = trace.getSpanContext(parentContext);
      const parent = extracted && isSpanContextValid(extracted) ? extracted : undefined;
      // Asked per request: OpAMP's sampling_rate changes the policy while the app runs.
      if (!certainlyUnsampled(policy, parent === undefined ? undefined : (parent.traceFlags & TraceFlags.SAMPLED) !== 0)) {
        return Reflect.apply(full, this, args);
      }
      const span = new UnsampledSpan(parent);
      const rpc: RPCMetadata = { type: RPCType.HTTP, span };
      const requestContext = serverRequestContext(parentContext, span, rpc);
      const requestAttributes: Record<string, unknown> = { 'http.request.method': normalizedMethod(request.method), 'url.scheme': component };
      if (request.httpVersion) requestAttributes['network.protocol.version'] = request.httpVersion;
      const startMs = performance.now();
      let recorded = false;
      const record = (attributes: Record<string, unknown>) => {
        if (recorded) return;
        recorded = true;
        http._recordServerDuration(performance.now() - startMs, attributes);
      };
      const failed = (error: unknown) => record(failedRequestAttributes(requestAttributes, error));
      // Before the context is bound: these read what they need directly and
      // need no context of their own. After 'error', only 'close' follows.
      response.on('close', () => record(closedRequestAttributes(requestAttributes, rpc.route, response.statusCode)));
      response.on(errorMonitor, failed);
      if (!bindEmitterContext(request, requestContext)) context.bind(requestContext, request);
      if (!bindEmitterContext(response, requestContext)) context.bind(requestContext, response);
      return context.with(requestContext, () => {
        try {
          return Reflect.apply(original, this, args);
        } catch (error) {
          failed(error);
          throw error;
        }
      });
    };
  };
  return { installed: true };
}
