/**
 * The OpenTelemetry API's values, read once from the package's CommonJS
 * exports. A CommonJS package imported as an ES module becomes an object of
 * getters in the bundle (esbuild's __toESM): each `trace.` or `context.` on a
 * request's path was a getter call (0.6 µs per sampled request of the hello
 * server in a profile). Exported from here they are plain variables of the
 * bundle. Types still come from '@opentelemetry/api' itself.
 */
import api = require('@opentelemetry/api');

export const { context, propagation, trace, diag, metrics, ROOT_CONTEXT, INVALID_SPAN_CONTEXT, isSpanContextValid, createTraceState } = api;
// Enums are a value and a type: an alias keeps both.
export import SpanKind = api.SpanKind;
export import SpanStatusCode = api.SpanStatusCode;
export import TraceFlags = api.TraceFlags;
export import DiagLogLevel = api.DiagLogLevel;
