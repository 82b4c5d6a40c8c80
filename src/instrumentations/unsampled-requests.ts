/**
 * An incoming request that the sampler will certainly not record (always_off,
 * or a parent that was not sampled) still paid for everything the HTTP
 * instrumentation does for a recorded one: a dozen attributes parsed from the
 * URL, headers and socket, sanitised, handed to the sampler, then dropped.
 * For such a request we do only what is still observable: the trace context
 * (a non-recording span with a fresh span id, so outbound calls propagate it),
 * the route slot frameworks fill in, the context bound to the request and
 * response, and the instrumentation's own close/error handling, which records
 * the http.server.request.duration histogram exactly as before.
 *
 * Only instrumentation versions whose internals were checked get this (those
 * of the 2.x and 3.x SDK lines, which emit the stable conventions only); any
 * other shape, or a user hook in the configuration, keeps the full path.
 */
import { errorMonitor } from 'node:events';
import { context, isSpanContextValid, propagation, ROOT_CONTEXT, trace, TraceFlags, type Span } from '@opentelemetry/api';
import { hrTime, RPCType, setRPCMetadata } from '@opentelemetry/core';
import type { SamplingPolicy } from '../sampler/sampling-decision';

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
  on(event: string | symbol, listener: Listener): unknown;
}
type Emit = (this: unknown, event: unknown, ...args: unknown[]) => unknown;

interface HttpInstrumentationInternals {
  _incomingRequestFunction(component: string, original: Emit): Emit;
  _onServerResponseFinish(request: unknown, response: unknown, span: Span, metricAttributes: Record<string, unknown>, startTime: unknown): void;
  _onServerResponseError(span: Span, metricAttributes: Record<string, unknown>, startTime: unknown, error: unknown): void;
  _recordServerDuration(durationMs: number, attributes: Record<string, unknown>): void;
  _spanNotEnded: { add(span: Span): unknown };
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

function hasInternalsChecked(candidate: Partial<HttpInstrumentationInternals> & object): candidate is HttpInstrumentationInternals {
  return (
    // The 1.x line's instrumentation emits old and/or stable conventions and records differently.
    !('_semconvStability' in candidate) &&
    typeof candidate._incomingRequestFunction === 'function' &&
    candidate._incomingRequestFunction.length === 2 &&
    typeof candidate._onServerResponseFinish === 'function' &&
    candidate._onServerResponseFinish.length === 5 &&
    typeof candidate._onServerResponseError === 'function' &&
    typeof candidate._recordServerDuration === 'function' &&
    candidate._recordServerDuration.length === 2 &&
    typeof candidate._spanNotEnded?.add === 'function' &&
    typeof candidate.getConfig === 'function'
  );
}

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH', 'QUERY']);

/** http.request.method as the instrumentation writes it. */
export function normalizedMethod(method: string | undefined): string {
  if (method == null) return 'GET';
  const upper = method.toUpperCase();
  return KNOWN_METHODS.has(upper) ? upper : '_OTHER';
}

const idBytes = Buffer.alloc(16);
/** Random lowercase hex id of `bytes` bytes, never all zeros (an all-zero id is invalid). */
export function randomId(bytes: 8 | 16): string {
  for (let i = 0; i < bytes; i += 4) idBytes.writeUInt32BE((Math.random() * 0x100000000) >>> 0, i);
  if (idBytes.readUInt32BE(bytes - 4) === 0) idBytes.writeUInt32BE(1, bytes - 4);
  return idBytes.toString('hex', 0, bytes);
}

/**
 * Gives the HTTP instrumentation the short path for requests that will not be
 * sampled. Must run right after the instrumentation is created, before it
 * patches http/https. Returns whether it was installed.
 */
export function shortenUnsampledRequests(instrumentation: object, policy: SamplingPolicy): boolean {
  if (!hasInternalsChecked(instrumentation) || !mayTakeShortPath(policy)) return false;
  const http = instrumentation;
  const upstream = http._incomingRequestFunction;
  // A request carrying none of the propagator's headers has no parent: its
  // decision is the root one, known now, and the extraction can be skipped.
  const rootUnsampled = certainlyUnsampled(policy, undefined);
  let propagatorFields: string[] | undefined;
  http._incomingRequestFunction = function (this: HttpInstrumentationInternals, component: string, original: Emit): Emit {
    const full = upstream.call(this, component, original);
    return function incomingRequest(this: unknown, event: unknown, ...args: unknown[]): unknown {
      if (event !== 'request') return original.apply(this, [event, ...args]);
      const config = http.getConfig();
      for (const option of FULL_PATH_OPTIONS) if (config[option]) return full.apply(this, [event, ...args]);
      const request = args[0] as IncomingRequest;
      const response = args[1] as ServerResponse;
      propagatorFields ??= propagation.fields();
      if (!rootUnsampled && !propagatorFields.some((field) => request.headers[field] !== undefined)) return full.apply(this, [event, ...args]);
      const parentContext = propagation.extract(ROOT_CONTEXT, request.headers);
      const parent = trace.getSpanContext(parentContext);
      const validParent = parent && isSpanContextValid(parent) ? parent : undefined;
      if (!certainlyUnsampled(policy, validParent ? (validParent.traceFlags & TraceFlags.SAMPLED) !== 0 : undefined)) {
        return full.apply(this, [event, ...args]);
      }
      // What the SDK's tracer returns for a NOT_RECORD decision.
      const span = trace.wrapSpanContext({
        traceId: validParent?.traceId ?? randomId(16),
        spanId: randomId(8),
        traceFlags: TraceFlags.NONE,
        traceState: validParent?.traceState,
      });
      const metricAttributes: Record<string, unknown> = { 'http.request.method': normalizedMethod(request.method), 'url.scheme': component };
      if (request.httpVersion) metricAttributes['network.protocol.version'] = request.httpVersion;
      const startTime = hrTime();
      http._spanNotEnded.add(span);
      const requestContext = setRPCMetadata(trace.setSpan(parentContext, span), { type: RPCType.HTTP, span });
      return context.with(requestContext, () => {
        context.bind(requestContext, request);
        context.bind(requestContext, response);
        // After 'error', no further events other than 'close' are emitted.
        let hasError = false;
        response.on('close', () => {
          if (!hasError) http._onServerResponseFinish(request, response, span, metricAttributes, startTime);
        });
        response.on(errorMonitor, (error: unknown) => {
          hasError = true;
          http._onServerResponseError(span, metricAttributes, startTime, error);
        });
        try {
          return original.apply(this, [event, ...args]);
        } catch (error) {
          http._onServerResponseError(span, metricAttributes, startTime, error);
          throw error;
        }
      });
    };
  };
  return true;
}
