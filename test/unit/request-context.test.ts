/** The context of an HTTP server request (src/instrumentations/request-context.ts) against the one the API makes. */
import { describe, expect, it } from 'vitest';
import { context, createContextKey, propagation, ROOT_CONTEXT, trace, TraceFlags, type Context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { getRPCMetadata, RPCType, setRPCMetadata, type RPCMetadata } from '@opentelemetry/core';
import { requestContextProblem, serverRequestContext } from '../../src/instrumentations/request-context';
import { sdkLineRequire, type SdkLineName } from '../support/sdk-line-packages';

const INSTALL_MS = 5 * 60_000;
const PARENT_KEY = createContextKey('a value of the parent');
const LATER_KEY = createContextKey('a value set later');

const span = trace.wrapSpanContext({ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: TraceFlags.SAMPLED });
const parent = propagation.setBaggage(ROOT_CONTEXT.setValue(PARENT_KEY, 'parent'), propagation.createBaggage({ tenant: { value: 'a' } }));

/** What code reading a context sees of it. */
function seenIn(ctx: Context): unknown[] {
  return [trace.getSpan(ctx), getRPCMetadata(ctx), ctx.getValue(PARENT_KEY), propagation.getBaggage(ctx)?.getEntry('tenant')?.value, ctx.getValue(LATER_KEY)];
}

describe('serverRequestContext', () => {
  it("learns the span's and the RPC metadata's keys from the shipped API and core", () => {
    expect(requestContextProblem()).toBeUndefined();
  });

  it('reads as the context the API makes: the span, the RPC metadata as later written, the parent values', () => {
    const rpc: RPCMetadata = { type: RPCType.HTTP, span };
    const ours = serverRequestContext(parent, span, rpc);
    const api = setRPCMetadata(trace.setSpan(parent, span), rpc);
    rpc.route = '/users/:id';
    expect(seenIn(ours)).toEqual(seenIn(api));
    expect(seenIn(ours)).toEqual([span, rpc, 'parent', 'a', undefined]);
    expect(getRPCMetadata(ours)?.route).toBe('/users/:id');
  });

  it('derives contexts with the same values as the API, leaving itself unchanged', () => {
    const rpc: RPCMetadata = { type: RPCType.HTTP, span };
    const ours = serverRequestContext(parent, span, rpc);
    const api = setRPCMetadata(trace.setSpan(parent, span), rpc);
    const child = trace.wrapSpanContext({ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: '00f067aa0ba902b7', traceFlags: TraceFlags.SAMPLED });
    const derive: Array<(ctx: Context) => Context> = [
      (ctx) => ctx.setValue(LATER_KEY, 'later'),
      (ctx) => trace.setSpan(ctx, child),
      (ctx) => trace.deleteSpan(ctx),
      (ctx) => ctx.deleteValue(PARENT_KEY),
      (ctx) => propagation.deleteBaggage(ctx),
      (ctx) => trace.setSpan(ctx, child).setValue(LATER_KEY, 'later'),
    ];
    for (const step of derive) expect(seenIn(step(ours))).toEqual(seenIn(step(api)));
    expect(seenIn(ours)).toEqual([span, rpc, 'parent', 'a', undefined]);
  });

  it('is the active context where it is entered, for the API and for code reading it there', () => {
    const manager = new AsyncLocalStorageContextManager().enable();
    context.setGlobalContextManager(manager);
    try {
      const rpc: RPCMetadata = { type: RPCType.HTTP, span };
      const ours = serverRequestContext(parent, span, rpc);
      const seen = context.with(ours, () => [trace.getActiveSpan(), getRPCMetadata(context.active()), context.active() === ours]);
      expect(seen).toEqual([span, rpc, true]);
    } finally {
      context.disable();
    }
  });
});

describe.each(['1.x', '2.x', '3.x'] as const)("the %s line's setters", (line: SdkLineName) => {
  it(
    'write the same one key each through setValue, as the keys are learnt',
    async () => {
      const lineRequire = await sdkLineRequire(line);
      const api = lineRequire('@opentelemetry/api') as typeof import('@opentelemetry/api');
      const core = lineRequire('@opentelemetry/core') as typeof import('@opentelemetry/core');
      const written = (set: (ctx: Context) => unknown): symbol[] => {
        const keys: symbol[] = [];
        const recording: Context = { getValue: () => undefined, setValue: (key) => (keys.push(key), recording), deleteValue: () => recording };
        set(recording);
        return keys;
      };
      const ours = serverRequestContext(ROOT_CONTEXT, span, { type: RPCType.HTTP, span });
      const spanKeys = written((ctx) => api.trace.setSpan(ctx, span));
      const rpcKeys = written((ctx) => core.setRPCMetadata(ctx, { type: core.RPCType.HTTP, span }));
      expect([spanKeys.length, rpcKeys.length]).toEqual([1, 1]);
      // Keys are Symbol.for: the same across copies of the API, so ours reads what this line's code writes.
      expect(ours.getValue(spanKeys[0]!)).toBe(span);
      expect((ours.getValue(rpcKeys[0]!) as RPCMetadata).span).toBe(span);
    },
    INSTALL_MS,
  );
});
