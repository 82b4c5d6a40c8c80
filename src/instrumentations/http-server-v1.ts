/**
 * The 1.x line's instrumentation-http (0.57, Node 14 and 16) on the
 * diagnostics_channel server path. Its internals are another generation's:
 * the old and/or the stable conventions (OTEL_SEMCONV_STABILITY_OPT_IN), two
 * metric attribute sets, captured headers written straight onto the span,
 * a listener's synchronous throw ended without its error handler. So a
 * request's span is started and ended by exactly the calls its patched emit
 * makes, in its order. What the channel path saves here is the wrapper
 * around the server's emit, its closures per request and the context.with
 * around the 'request' event; and, under the old conventions (the line's
 * default), the span's attributes of a request that will not be recorded,
 * at its start and at its end: its metric's attribute set is made from the
 * values the instrumentation reads of them, through its own functions.
 */
import type { Context, Span } from '@opentelemetry/api';
import { SpanKind } from '../otel-api';
import { hrTime } from '../otel-core';
import { methodShapeProblem, type MethodTable } from './method-shape';

type Attributes = Record<string, unknown>;

/** What this path calls on the 1.x line's HTTP instrumentation. */
export interface HttpInstrumentationV1 {
  _semconvStability: number;
  _startHttpSpan(name: string, options: { kind: SpanKind; attributes: Attributes }, ctx: Context): Span;
  _onServerResponseFinish(request: unknown, response: unknown, span: Span, oldMetricAttributes: Attributes, stableMetricAttributes: Attributes, startTime: unknown): void;
  _onServerResponseError(span: Span, oldMetricAttributes: Attributes, stableMetricAttributes: Attributes, startTime: unknown, error: unknown): void;
  _closeHttpSpan(span: Span, kind: SpanKind, startTime: unknown, oldMetricAttributes: Attributes, stableMetricAttributes: Attributes): void;
  _headerCapture: { server: { captureRequestHeaders(span: Span, read: (header: string) => unknown): void } };
  _diag: unknown;
  /** The spans its end records a duration for (a span started elsewhere is added to it). */
  _spanNotEnded: WeakSet<object>;
  getConfig(): Record<string, unknown>;
}

/** Its utils module's functions this path calls. */
export interface HttpUtilsV1 {
  getIncomingRequestAttributes(request: unknown, options: Record<string, unknown>, logger: unknown): Attributes;
  getIncomingRequestMetricAttributes(spanAttributes: Attributes): Attributes;
  getIncomingRequestMetricAttributesOnResponse(spanAttributes: Attributes): Attributes;
  setSpanWithError(span: Span, error: unknown, semconvStability: number): void;
  setAttributesFromHttpKind(kind: string | undefined, attributes: Attributes): void;
}

/** _semconvStability's value for the old conventions only (OTEL_SEMCONV_STABILITY_OPT_IN unset). */
const OLD_CONVENTIONS_ONLY = 2;

const V1_METHODS: MethodTable<HttpInstrumentationV1> = [
  ['_startHttpSpan', 2],
  ['_onServerResponseFinish', 6],
  ['_onServerResponseError', 5],
  ['_closeHttpSpan', 5],
];

const V1_UTILS: MethodTable<HttpUtilsV1> = [
  ['getIncomingRequestAttributes', 3],
  ['getIncomingRequestMetricAttributes', 1],
  ['getIncomingRequestMetricAttributesOnResponse', 1],
  ['setSpanWithError', 3],
  ['setAttributesFromHttpKind', 2],
];

/** Whether the instrumentation is of the 1.x line's generation (pure): only it keeps a conventions switch. */
export function isV1Instrumentation(candidate: object): boolean {
  return '_semconvStability' in candidate;
}

/** What of the 1.x generation's internals is not as checked, as a sentence (pure); undefined when all are. */
export function v1Problem(candidate: object, utils: object | undefined): string | undefined {
  const http = candidate as Partial<HttpInstrumentationV1>;
  if (typeof http._semconvStability !== 'number') return '_semconvStability is not a number';
  const shape = methodShapeProblem<HttpInstrumentationV1>(candidate, V1_METHODS);
  if (shape !== undefined) return shape;
  if (http._headerCapture?.server?.captureRequestHeaders?.length !== 2) return '_headerCapture.server.captureRequestHeaders(span, read) is missing';
  if (!(http._spanNotEnded instanceof WeakSet)) return '_spanNotEnded is not a WeakSet';
  if (utils === undefined) return 'its utils module is not reachable';
  const utilsShape = methodShapeProblem<HttpUtilsV1>(utils, V1_UTILS);
  return utilsShape === undefined ? undefined : `its utils module's ${utilsShape}`;
}

/** A 1.x request's span as started, with what its end is called with (and the utils module its ends use). */
export interface V1Start {
  span: Span;
  utils: HttpUtilsV1;
  oldMetricAttributes: Attributes;
  stableMetricAttributes: Attributes;
  startTime: unknown;
}

/** Starts the span of a request as the 1.x line's patched emit does (its attributes, metric sets, start time and captured request headers). */
export function startV1ServerSpan(
  http: HttpInstrumentationV1,
  utils: HttpUtilsV1,
  request: { method?: string; headers: Record<string, unknown> },
  component: string,
  parentContext: Context,
): V1Start {
  const spanAttributes = utils.getIncomingRequestAttributes(
    request,
    { component, serverName: http.getConfig().serverName, hookAttributes: undefined, semconvStability: http._semconvStability },
    http._diag,
  );
  const startTime = hrTime();
  const oldMetricAttributes = utils.getIncomingRequestMetricAttributes(spanAttributes);
  const stableMetricAttributes: Attributes = { 'http.request.method': spanAttributes['http.request.method'], 'url.scheme': spanAttributes['url.scheme'] };
  if (spanAttributes['network.protocol.version']) stableMetricAttributes['network.protocol.version'] = spanAttributes['network.protocol.version'];
  const span = http._startHttpSpan(request.method || 'GET', { kind: SpanKind.SERVER, attributes: spanAttributes }, parentContext);
  http._headerCapture.server.captureRequestHeaders(span, (header) => request.headers[header]);
  return { span, utils, oldMetricAttributes, stableMetricAttributes, startTime };
}

let lastHost: string | undefined;
let lastHostName = 'localhost';

/**
 * net.host.name as getIncomingRequestAttributes takes it from the Host
 * header; the last one is kept (a server sees the same Host again and again,
 * and the regular expression backtracks through all of it).
 */
export function hostNameOf(host: string | undefined): string {
  if (host !== lastHost) {
    lastHostName = host?.replace(/^(.*)(:[0-9]{1,5})/, '$1') || 'localhost';
    lastHost = host;
  }
  return lastHostName;
}

/**
 * The start of a request whose span will not be recorded (`span`, a span
 * that records nothing), under the old conventions: undefined under the
 * others (the stable metric set needs the instrumentation's own method
 * normalisation), where the request takes startV1ServerSpan. Its ends are
 * the instrumentation's own, as for any span it started.
 */
export function startV1UnsampledRequest(http: HttpInstrumentationV1, utils: HttpUtilsV1, request: { method?: string; httpVersion?: string; headers: Record<string, unknown> }, component: string, span: Span): V1Start | undefined {
  if (http._semconvStability !== OLD_CONVENTIONS_ONLY) return undefined;
  // What getIncomingRequestMetricAttributes reads of the span's attributes, as getIncomingRequestAttributes writes them.
  const read: Attributes = { 'http.scheme': component, 'http.method': request.method, 'net.host.name': hostNameOf(request.headers.host as string | undefined) };
  utils.setAttributesFromHttpKind(request.httpVersion, read);
  const startTime = hrTime();
  http._spanNotEnded.add(span);
  return { span, utils, oldMetricAttributes: utils.getIncomingRequestMetricAttributes(read), stableMetricAttributes: {}, startTime };
}

/**
 * The end of a request started by startV1UnsampledRequest, at the response's
 * 'close': its metric set completed by the instrumentation's own function
 * from the three values it reads of the response's span attributes (status
 * code, the app's port, the route), then the instrumentation's close, which
 * ends the span and records the duration. The rest of its usual end (the
 * response's attributes, captured headers, status and name) would be written
 * on a span that records nothing.
 */
export function finishV1UnsampledRequest(
  http: HttpInstrumentationV1,
  request: { socket?: { localPort?: number } | null },
  response: { statusCode?: number },
  route: string | undefined,
  started: V1Start,
): void {
  const read: Attributes = { 'http.status_code': response.statusCode };
  if (request.socket) read['net.host.port'] = request.socket.localPort;
  if (route !== undefined) read['http.route'] = route;
  Object.assign(started.oldMetricAttributes, started.utils.getIncomingRequestMetricAttributesOnResponse(read));
  http._closeHttpSpan(started.span, SpanKind.SERVER, started.startTime, started.oldMetricAttributes, started.stableMetricAttributes);
}

/** The end of a request's span at the response's 'close' (run in the request's context: the route is read from it). */
export function finishV1ServerSpan(http: HttpInstrumentationV1, request: unknown, response: unknown, started: V1Start): void {
  http._onServerResponseFinish(request, response, started.span, started.oldMetricAttributes, started.stableMetricAttributes, started.startTime);
}

/** The end of a request's span at the response's 'error'. */
export function failV1ServerSpan(http: HttpInstrumentationV1, started: V1Start, error: unknown): void {
  http._onServerResponseError(started.span, started.oldMetricAttributes, started.stableMetricAttributes, started.startTime, error);
}

/** The end of a request's span when a 'request' listener threw, as the patched emit ends it (without the error handler). */
export function throwV1ServerSpan(http: HttpInstrumentationV1, started: V1Start, error: unknown): void {
  started.utils.setSpanWithError(started.span, error, http._semconvStability);
  http._closeHttpSpan(started.span, SpanKind.SERVER, started.startTime, started.oldMetricAttributes, started.stableMetricAttributes);
}
