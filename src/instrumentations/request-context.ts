/**
 * The context an HTTP server request runs in: its parent's values, its span
 * and its RPC metadata (where the framework hooks write the route).
 *
 * Made as the API makes it, `setRPCMetadata(trace.setSpan(parent, span), rpc)`
 * is two contexts, each copying its parent's whole map: ~0.6 µs per request
 * on Node 24, sampled or not (CPU profile of the always_off hello server).
 * This one holds the two values beside its parent and reads through to it;
 * the API's context is made only when code derives another context from it
 * (a child span, baggage), once, with the same values.
 *
 * The two keys are the ones the API's and core's own setters pass to
 * `setValue`, learnt once through a context that records them, so no private
 * name is read. Should a setter not work that way, every request context is
 * made as the API makes it, and `requestContextProblem` says why.
 */
import type { Context, Span } from '@opentelemetry/api';
import { INVALID_SPAN_CONTEXT, trace } from '../otel-api';
import type { RPCMetadata } from '@opentelemetry/core';
import { RPCType, setRPCMetadata } from '../otel-core';

/** The key a setter writes: it must call `setValue` exactly once on the context it is given. */
function keySetBy(set: (context: Context) => unknown): symbol | undefined {
  const keys: symbol[] = [];
  const recording: Context = {
    getValue: () => undefined,
    setValue: (key) => (keys.push(key), recording),
    deleteValue: () => recording,
  };
  try {
    set(recording);
  } catch {
    return undefined;
  }
  return keys.length === 1 ? keys[0] : undefined;
}

const probeSpan = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);
const SPAN_KEY = keySetBy((context) => trace.setSpan(context, probeSpan));
const RPC_KEY = keySetBy((context) => setRPCMetadata(context, { type: RPCType.HTTP, span: probeSpan }));

class RequestContext implements Context {
  private derivable: Context | undefined;

  constructor(
    private readonly parent: Context,
    private readonly span: Span,
    private readonly rpc: RPCMetadata,
  ) {}

  getValue(key: symbol): unknown {
    if (key === SPAN_KEY) return this.span;
    if (key === RPC_KEY) return this.rpc;
    return this.parent.getValue(key);
  }

  setValue(key: symbol, value: unknown): Context {
    return this.asApiContext().setValue(key, value);
  }

  deleteValue(key: symbol): Context {
    return this.asApiContext().deleteValue(key);
  }

  private asApiContext(): Context {
    return (this.derivable ??= apiRequestContext(this.parent, this.span, this.rpc));
  }
}

function apiRequestContext(parent: Context, span: Span, rpc: RPCMetadata): Context {
  return setRPCMetadata(trace.setSpan(parent, span), rpc);
}

/** The request's context: `parent` with its span and RPC metadata. */
export const serverRequestContext: (parent: Context, span: Span, rpc: RPCMetadata) => Context =
  SPAN_KEY !== undefined && RPC_KEY !== undefined ? (parent, span, rpc) => new RequestContext(parent, span, rpc) : apiRequestContext;

/** Why request contexts are made as the API makes them (a setter did not write one key through setValue), or undefined. */
export function requestContextProblem(): string | undefined {
  if (SPAN_KEY === undefined) return "trace.setSpan did not write one key through the context's setValue";
  if (RPC_KEY === undefined) return "setRPCMetadata did not write one key through the context's setValue";
  return undefined;
}
