/**
 * The values our files use from @opentelemetry/core, read once from the
 * package's CommonJS exports, for the reason src/otel-api.ts gives: imported
 * as an ES module, each `hrTime()` or `RPCType.HTTP` on a request's path is a
 * getter call in the bundle. Types still come from '@opentelemetry/core'.
 */
import core = require('@opentelemetry/core');

export const {
  hrTime,
  getRPCMetadata,
  setRPCMetadata,
  isTracingSuppressed,
  suppressTracing,
  setGlobalErrorHandler,
  CompositePropagator,
  W3CBaggagePropagator,
  W3CTraceContextPropagator,
} = core;
// An enum is a value and a type: an alias keeps both.
export import RPCType = core.RPCType;
