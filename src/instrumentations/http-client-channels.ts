/**
 * HTTP client spans made from Node's own `diagnostics_channel` instead of
 * instrumentation-http's wrappers around http.request and http.get (and
 * https's), on the 3.x line (Node 22.15 and later): no per-call wrapper, no
 * copy of the options, and every ClientRequest is seen however it was made.
 *
 * - `http.client.request.created` is published at the end of the
 *   ClientRequest constructor, synchronously, in the caller's context, before
 *   any header is written: the span starts there as a child of the active
 *   context (through the instrumentation's own _startHttpSpan, so
 *   requireParent and its bookkeeping stay its own) and the trace context
 *   goes in with setHeader;
 * - `http.client.response.finish` is published as the response's head
 *   arrives, just before Node emits 'response': the response attributes go on
 *   the span there, where upstream's prepended 'response' listener sets them;
 * - the span ends where upstream ends it, on the same events: the response's
 *   'end' or error, the request's error, or its 'close' before any of them
 *   (request errors are also published on `http.client.request.error`, but
 *   not a response cut short, which only the response's 'error' tells), by
 *   the instrumentation's own _closeHttpSpan and _onOutgoingRequestError
 *   (status, exception event, duration metric).
 *
 * Contexts as the app sees them under upstream: the request and the response
 * are bound to the caller's context, and so is the response callback given
 * to http.request/get (upstream binds it; here it is registered again
 * through the bound request). What differs: code that the ClientRequest
 * constructor itself runs (the agent's createConnection, the socket's
 * connect and DNS lookup) runs in the caller's context, where upstream runs
 * it inside the client span; so the net and dns instrumentations, whose spans
 * would lose the client span as parent, keep upstream's path. A request whose
 * constructor throws (invalid header, protocol or path) gets no span (upstream
 * ends one with the error); headers Node rendered in the constructor (an
 * `Expect` header, headers given as an array) cannot take the trace context.
 *
 * A request the sampler will certainly not record gets the trace context
 * and the duration metric only (as unsampled-requests.ts does for servers).
 */
import * as diagnosticsChannel from 'node:diagnostics_channel';
import { errorMonitor } from 'node:events';
import { performance } from 'node:perf_hooks';
import type { Context, Span, TextMapSetter } from '@opentelemetry/api';
import { context, INVALID_SPAN_CONTEXT, isSpanContextValid, propagation, SpanKind, SpanStatusCode, trace, TraceFlags } from '../otel-api';
import { hrTime, isTracingSuppressed } from '../otel-core';
import type { SamplingPolicy } from '../sampler/sampling-decision';
import { certainlyUnsampled } from './unsampled-requests';
import { wrappedByAnotherInstrumentation } from './http-server-channels';
import { UnsampledSpan } from './unsampled-span';
import { methodShapeProblem, type MethodTable } from './method-shape';
import {
  clientMetricAttributes,
  clientStartAttributes,
  clientTarget,
  DEFAULT_REDACTED_QUERY_PARAMS,
  responseAttributes,
  responseOutcome,
  withResponseMetricAttributes,
  type ResponseFacts,
} from './http-client-attributes';

type Attributes = Record<string, unknown>;
type Listener = (...args: unknown[]) => void;

/** What this path calls on the HTTP instrumentation (3.x line). */
interface HttpInstrumentation {
  getConfig(): Record<string, unknown>;
  setConfig(config: Record<string, unknown>): void;
  isEnabled(): boolean;
  _startHttpSpan(name: string, options: { kind: SpanKind; attributes: Attributes }, ctx?: Context): Span;
  _closeHttpSpan(span: Span, kind: SpanKind, startTime: unknown, metricAttributes: Attributes): void;
  _onOutgoingRequestError(span: Span, metricAttributes: Attributes, startTime: unknown, error: unknown): void;
  _recordClientDuration(durationMs: number, attributes: Attributes): void;
}

interface ClientRequest {
  method: string;
  protocol: string;
  host: string;
  path: string;
  aborted: boolean;
  headersSent: boolean;
  getHeader(name: string): unknown;
  getRawHeaderNames(): string[];
  setHeader(name: string, value: string): unknown;
  rawListeners(event: string): Array<Listener & { listener?: Listener }>;
  removeAllListeners(event: string): unknown;
  on(event: string | symbol, listener: Listener): unknown;
  once(event: string | symbol, listener: Listener): unknown;
}
interface IncomingMessage extends ResponseFacts {
  aborted?: boolean;
  complete?: boolean;
  on(event: string | symbol, listener: Listener): unknown;
}

/** Configuration only upstream's path honours: any of it keeps that path. */
export const UPSTREAM_ONLY_OPTIONS = [
  'ignoreOutgoingRequestHook',
  'startOutgoingSpanHook',
  'requestHook',
  'responseHook',
  'applyCustomAttributesOnSpan',
  'requireParentforOutgoingSpans',
  'enableSyntheticSourceDetection',
];

/** Instrumentations whose spans start inside the ClientRequest constructor, under the client span with upstream's path. */
export const NESTED_INSTRUMENTATIONS = ['net', 'dns'];

/** Why upstream's path is kept: the setting, the SDK line, the runtime, the configuration, other instrumentations, or the internals. */
export type ClientChannelsOutcome =
  | { installed: true }
  | { installed: false; reason: 'setting' | 'sdk-line' | 'runtime' | 'off' | 'nested' }
  | { installed: false; reason: 'configuration'; options: string[] }
  | { installed: false; reason: 'shape'; problem: string };

/** Whether this Node publishes `http.client.request.created` (added in 22.12.0 and 23.2.0) (pure). */
export function publishesRequestCreated(nodeVersion: string): boolean {
  const [major = 0, minor = 0] = nodeVersion.replace(/^v/, '').split('.').map(Number);
  return major > 23 || (major === 23 && minor >= 2) || (major === 22 && minor >= 12);
}

/** The options of the configuration that keep upstream's path (pure); captured client headers count only when some are named. */
export function upstreamOnlyOptions(config: Readonly<Record<string, unknown>>): string[] {
  const found = UPSTREAM_ONLY_OPTIONS.filter((option) => config[option]);
  const client = (config.headersToSpanAttributes as { client?: { requestHeaders?: unknown[]; responseHeaders?: unknown[] } } | undefined)?.client;
  if ((client?.requestHeaders?.length ?? 0) > 0 || (client?.responseHeaders?.length ?? 0) > 0) found.push('headersToSpanAttributes.client');
  return found;
}

/** Whether client spans may come from the channels (pure); the internals are checked apart (clientChannelsProblem). */
export function clientChannelsDecision(input: {
  setting: 'channels' | 'upstream';
  sdkLine: string;
  nodeVersion: string;
  config: Readonly<Record<string, unknown>>;
  /** The instrumentations that will start. */
  selected: readonly string[];
}): ClientChannelsOutcome | undefined {
  if (input.setting === 'upstream') return { installed: false, reason: 'setting' };
  if (input.sdkLine !== '3.x') return { installed: false, reason: 'sdk-line' };
  if (!publishesRequestCreated(input.nodeVersion)) return { installed: false, reason: 'runtime' };
  if (input.config.disableOutgoingRequestInstrumentation) return { installed: false, reason: 'off' };
  const options = upstreamOnlyOptions(input.config);
  if (options.length > 0) return { installed: false, reason: 'configuration', options };
  if (NESTED_INSTRUMENTATIONS.some((name) => input.selected.includes(name))) return { installed: false, reason: 'nested' };
  return undefined;
}

/** The instrumentation's methods this path calls, with the parameters each declares. */
const CLIENT_METHODS: MethodTable<HttpInstrumentation> = [
  ['getConfig', 0],
  ['setConfig', 0],
  ['isEnabled', 0],
  // (name, options, ctx = context.active()): the default does not count.
  ['_startHttpSpan', 2],
  ['_closeHttpSpan', 4],
  ['_onOutgoingRequestError', 4],
  ['_recordClientDuration', 2],
];

/** What is not as this path relies on in the instrumentation (pure), or undefined. */
export function clientChannelsProblem(candidate: object): string | undefined {
  return methodShapeProblem<HttpInstrumentation>(candidate, CLIENT_METHODS);
}

/** The one line said at start about the path HTTP client spans take (pure). */
export function clientChannelsNotice(outcome: ClientChannelsOutcome): { level: 'warn' | 'debug'; line: string } {
  if (outcome.installed) return { level: 'debug', line: 'HTTP client spans from diagnostics_channel (http.client.request.created)' };
  const upstream = "HTTP client spans from upstream's instrumentation";
  switch (outcome.reason) {
    case 'setting':
      return { level: 'debug', line: `${upstream} (CUSTOM_OTEL_HTTP_INSTRUMENTATION=upstream)` };
    case 'sdk-line':
      return { level: 'debug', line: `${upstream} (the channels are used on the 3.x line only)` };
    case 'runtime':
      return { level: 'debug', line: `${upstream} (Node ${process.versions.node} does not publish http.client.request.created)` };
    case 'off':
      return { level: 'debug', line: 'no HTTP client spans (disableOutgoingRequestInstrumentation)' };
    case 'configuration':
      return { level: 'debug', line: `${upstream} (its configuration sets ${outcome.options.join(', ')}, which only its path honours)` };
    case 'nested':
      return { level: 'debug', line: `${upstream} (the ${NESTED_INSTRUMENTATIONS.join('/')} instrumentation is on, whose spans are children of the client span only there)` };
    case 'shape':
      return { level: 'warn', line: `${upstream}: its internals are not the ones checked (${outcome.problem}); same spans and metrics, more CPU per request` };
  }
}

const kState = Symbol('custom-otel.http-client-request');
interface RequestState {
  http: HttpInstrumentation;
  /** A span of the SDK, ended through the instrumentation; otherwise only the metric is recorded. */
  recorded: boolean;
  span: Span;
  parentContext: Context;
  metricAttributes: Attributes;
  startTime: unknown;
  startMs: number;
  /** Upstream's `responseFinished` and its set of spans not ended, in one. */
  done: boolean;
}
type Stateful<T> = T & { [kState]?: RequestState };

function close(state: RequestState): void {
  if (state.recorded) state.http._closeHttpSpan(state.span, SpanKind.CLIENT, state.startTime, state.metricAttributes);
  else state.http._recordClientDuration(performance.now() - state.startMs, state.metricAttributes);
}

function failed(state: RequestState, error: unknown): void {
  if (state.recorded) {
    state.http._onOutgoingRequestError(state.span, state.metricAttributes, state.startTime, error);
    return;
  }
  state.metricAttributes['error.type'] = (error as Error | undefined)?.name;
  close(state);
}

// Shared listeners: the state rides on the emitter, no closure per request.
function onRequestClose(this: Stateful<ClientRequest>): void {
  const state = this[kState];
  // An aborted request's span is left open, as upstream leaves it.
  if (state === undefined || state.done || this.aborted) return;
  state.done = true;
  close(state);
}
/** 'error' of the request or of its response: the first failure ends the span. */
function onFailure(this: Stateful<ClientRequest> | Stateful<IncomingMessage>, error: unknown): void {
  const state = this[kState];
  if (state === undefined || state.done) return;
  state.done = true;
  failed(state, error);
}
function onResponseEnd(this: Stateful<IncomingMessage>): void {
  const state = this[kState];
  if (state === undefined || state.done) return;
  state.done = true;
  if (state.recorded) {
    const { error, errorType } = responseOutcome(this);
    if (errorType !== undefined) state.span.setAttribute('error.type', errorType);
    state.span.setStatus({ code: error ? SpanStatusCode.ERROR : SpanStatusCode.UNSET });
  }
  close(state);
}
const headerSetter: TextMapSetter<ClientRequest> = {
  set(request, key, value) {
    request.setHeader(key, value);
  },
};

/**
 * Makes HTTP client spans from the channels for this HTTP instrumentation
 * (just created, before it patches http/https: its outbound patch is turned
 * off through its public option). The caller decided with
 * clientChannelsDecision; this checks the internals and, when they are not
 * as expected, leaves the instrumentation's own path untouched.
 */
export function clientSpansFromChannels(
  instrumentation: object,
  policy: SamplingPolicy,
  /** Said at debug level, the first time only, when a request's headers were rendered before the channel (no trace context then). */
  debug: (line: string) => void = () => undefined,
): ClientChannelsOutcome {
  const problem = clientChannelsProblem(instrumentation);
  if (problem !== undefined) return { installed: false, reason: 'shape', problem };
  const http = instrumentation as HttpInstrumentation;
  http.setConfig({ ...http.getConfig(), disableOutgoingRequestInstrumentation: true });
  current = { http, policy, debug, toldRendered: false };
  if (channels.length === 0) {
    // Held here: a channel nobody references may be collected with its subscribers on some Node versions.
    channels = [diagnosticsChannel.channel('http.client.request.created'), diagnosticsChannel.channel('http.client.response.finish')];
    channels[0]!.subscribe(onCreated);
    channels[1]!.subscribe(onResponse);
  }
  return { installed: true };
}

/** The instrumentation the channels feed (the one process makes only one; a later one takes over). */
let current: { http: HttpInstrumentation; policy: SamplingPolicy; debug: (line: string) => void; toldRendered: boolean } | undefined;
let channels: diagnosticsChannel.Channel[] = [];

let modules: { http: typeof import('node:http'); https: typeof import('node:https') } | undefined;
/** The module function an app calls for this protocol, as the app sees it now (wrapped or not). */
function requestFunctionOf(protocol: string | undefined): unknown {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  modules ??= { http: require('node:http'), https: require('node:https') };
  return protocol === 'https:' ? modules.https.request : modules.http.request;
}

function onCreated(message: unknown): void {
  try {
    if (current === undefined) return;
    const { http, policy } = current;
    const request = (message as { request: Stateful<ClientRequest> }).request;
    // OpAMP's switches disable and enable the instrumentation.
    if (!http.isEnabled()) return;
    if (wrappedByAnotherInstrumentation(requestFunctionOf(request.protocol))) return;
    const parentContext = context.active();
    const target = clientTarget({
      method: request.method,
      protocol: request.protocol,
      host: request.host,
      path: request.path,
      hostHeader: request.getHeader('host'),
      rawHeaderNames: request.getRawHeaderNames(),
      userAgent: request.getHeader('user-agent'),
      authorization: request.getHeader('authorization'),
    });
    const metricAttributes = clientMetricAttributes(request.method, target);
    const parent = trace.getSpanContext(parentContext);
    const validParent = parent !== undefined && isSpanContextValid(parent);
    let span: Span;
    let recorded = true;
    if (isTracingSuppressed(parentContext)) {
      // What the SDK's tracer returns there; upstream still records the metric.
      span = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);
      recorded = false;
    } else if (
      // Asked per request: OpAMP's sampling_rate changes the policy while the app runs.
      certainlyUnsampled(policy, validParent ? (parent.traceFlags & TraceFlags.SAMPLED) !== 0 : undefined) &&
      // A `th` the sampler would erase from the child's tracestate: the SDK's span carries that.
      !parent?.traceState?.get('ot')?.includes('th:')
    ) {
      span = new UnsampledSpan(validParent ? parent : undefined);
      recorded = false;
    } else {
      const config = http.getConfig();
      const redacted = (config.redactedQueryParams as string[] | undefined) ?? DEFAULT_REDACTED_QUERY_PARAMS;
      span = http._startHttpSpan(request.method, { kind: SpanKind.CLIENT, attributes: clientStartAttributes(request, target, redacted) }, parentContext);
    }
    request[kState] = { http, recorded, span, parentContext, metricAttributes, startTime: recorded ? hrTime() : undefined, startMs: performance.now(), done: false };
    if (request.headersSent) {
      if (!current.toldRendered) current.debug('an outbound request rendered its headers in its constructor (an Expect header, or headers given as an array): it carries no trace context (said once)');
      current.toldRendered = true;
    } else propagation.inject(trace.setSpan(parentContext, span), request, headerSetter);
    // Before the binding: these need no context of their own.
    request.on('close', onRequestClose as Listener);
    request.on(errorMonitor, onFailure as Listener);
    // The callback given to http.request/get was registered by the constructor, before the binding: again through it.
    const callbacks = request.rawListeners('response');
    context.bind(parentContext, request);
    if (callbacks.length > 0) {
      request.removeAllListeners('response');
      for (const callback of callbacks) {
        if (typeof callback.listener === 'function') request.once('response', callback.listener);
        else request.on('response', callback);
      }
    }
  } catch {
    // Never the app's problem: the request goes on untraced.
  }
}

function onResponse(message: unknown): void {
  try {
    const { request, response } = message as { request: Stateful<ClientRequest>; response: Stateful<IncomingMessage> };
    const state = request[kState];
    // Node emits no 'response' for an aborted request, where upstream would set these.
    if (state === undefined || state.done || request.aborted) return;
    response[kState] = state;
    if (state.recorded) state.span.setAttributes(responseAttributes(response) as never);
    withResponseMetricAttributes(state.metricAttributes, response);
    response.on('end', onResponseEnd as Listener);
    response.on(errorMonitor, onFailure as Listener);
    context.bind(state.parentContext, response);
  } catch {
    // As above.
  }
}

/**
 * Decides and, when the decision allows, installs: what the caller runs right
 * after the HTTP instrumentation is created. Returns the outcome for
 * clientChannelsNotice.
 */
export function httpClientSpans(
  instrumentation: object,
  options: { setting: 'channels' | 'upstream'; sdkLine: string; nodeVersion: string; selected: readonly string[]; policy: SamplingPolicy; debug?: (line: string) => void },
): ClientChannelsOutcome {
  const getConfig = (instrumentation as { getConfig?: unknown }).getConfig;
  const config = typeof getConfig === 'function' ? (getConfig.call(instrumentation) as Record<string, unknown>) : {};
  return clientChannelsDecision({ ...options, config }) ?? clientSpansFromChannels(instrumentation, options.policy, options.debug);
}
