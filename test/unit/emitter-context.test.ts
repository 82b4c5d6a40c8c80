/** Binding a context to an emitter's listeners (src/instrumentations/emitter-context.ts), compared with the context manager's own bind. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventEmitter } from 'node:events';
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { context, createContextKey, ROOT_CONTEXT, type Context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { bindEmitterContext } from '../../src/instrumentations/emitter-context';

const KEY = createContextKey('test');
const named = (name: string): Context => ROOT_CONTEXT.setValue(KEY, name);
const seen = (): unknown => context.active().getValue(KEY);

class Emitter extends EventEmitter {}

beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
});
afterAll(() => {
  context.disable();
});

describe.each([
  ['ours', (emitter: EventEmitter, bound: Context) => expect(bindEmitterContext(emitter, bound)).toBe(true)],
  ['the context manager', (emitter: EventEmitter, bound: Context) => void context.bind(bound, emitter)],
])('a bound emitter (%s)', (_name, bind) => {
  it('runs listeners added after binding in the bound context, those added before in the emitting one', () => {
    const emitter = new Emitter();
    const calls: unknown[] = [];
    emitter.on('x', () => calls.push(['before', seen()]));
    bind(emitter, named('request'));
    emitter.on('x', (a: unknown, b: unknown) => calls.push(['on', seen(), a, b]));
    emitter.addListener('x', () => calls.push(['addListener', seen()]));
    emitter.prependListener('x', () => calls.push(['prependListener', seen()]));
    emitter.once('x', () => calls.push(['once', seen()]));
    emitter.prependOnceListener('x', () => calls.push(['prependOnceListener', seen()]));
    context.with(named('elsewhere'), () => emitter.emit('x', 1, 2));
    context.with(named('elsewhere'), () => emitter.emit('x', 3, 4));
    expect(calls).toEqual([
      ['prependOnceListener', 'request'],
      ['prependListener', 'request'],
      ['before', 'elsewhere'],
      ['on', 'request', 1, 2],
      ['addListener', 'request'],
      ['once', 'request'],
      ['prependListener', 'request'],
      ['before', 'elsewhere'],
      ['on', 'request', 3, 4],
      ['addListener', 'request'],
    ]);
  });

  it('removes a listener by the function the caller holds (removeListener, off, once before it fired)', () => {
    const emitter = new Emitter();
    bind(emitter, named('request'));
    const calls: string[] = [];
    const a = () => calls.push('a');
    const b = () => calls.push('b');
    const c = () => calls.push('c');
    emitter.on('x', a);
    emitter.on('x', b);
    emitter.once('x', c);
    emitter.removeListener('x', a);
    emitter.off('x', b);
    emitter.removeListener('x', c);
    emitter.emit('x');
    expect(calls).toEqual([]);
    expect(emitter.listenerCount('x')).toBe(0);
  });

  it("gives each wrapper its listener's length, and removes the last added of a listener added twice", () => {
    const emitter = new Emitter();
    bind(emitter, named('request'));
    const byLength = [() => 0, (_a: unknown) => 1, (_a: unknown, _b: unknown) => 2, (_a: unknown, _b: unknown, _c: unknown) => 3, (_a: unknown, _b: unknown, _c: unknown, _d: unknown, _e: unknown) => 5];
    for (const listener of byLength) emitter.on('x', listener);
    expect(emitter.listeners('x').map((listener) => listener.length)).toEqual([0, 1, 2, 3, 5]);

    const calls: string[] = [];
    const twice = (n: unknown) => calls.push(`${n} ${String(seen())}`);
    emitter.on('y', twice);
    emitter.once('y', twice);
    emitter.removeListener('y', twice);
    emitter.emit('y', 1);
    emitter.emit('y', 2);
    expect(calls).toEqual(['1 request', '2 request']);
  });

  it('forgets listeners on removeAllListeners, for one event or all', () => {
    const emitter = new Emitter();
    bind(emitter, named('request'));
    const calls: string[] = [];
    emitter.on('x', () => calls.push('x'));
    emitter.on('y', () => calls.push('y'));
    emitter.removeAllListeners('x');
    emitter.emit('x');
    emitter.emit('y');
    emitter.removeAllListeners();
    emitter.emit('y');
    const again = () => calls.push(String(seen()));
    emitter.on('z', again);
    context.with(named('elsewhere'), () => emitter.emit('z'));
    emitter.off('z', again);
    emitter.emit('z');
    expect(calls).toEqual(['y', 'request']);
  });

  it('runs a listener emitted in the bound context itself as any other: its this, arguments, result and throw, the context around it unchanged', () => {
    const emitter = new Emitter();
    const request = named('request');
    bind(emitter, request);
    const calls: unknown[] = [];
    emitter.on('x', function (this: unknown, a: unknown, b: unknown) {
      calls.push([this === emitter, a, b, seen()]);
      context.with(named('inner'), () => calls.push(seen()));
    });
    emitter.on('y', () => {
      throw new Error('from the listener');
    });
    context.with(request, () => {
      emitter.emit('x', 1, 2);
      calls.push(seen());
      expect(() => emitter.emit('y')).toThrow('from the listener');
      calls.push(seen());
    });
    expect(calls).toEqual([[true, 1, 2, 'request'], 'inner', 'request', 'request']);
    expect(context.active()).toBe(ROOT_CONTEXT);
  });

  it('keeps the first binding when bound twice', () => {
    const emitter = new Emitter();
    bind(emitter, named('first'));
    bind(emitter, named('second'));
    const calls: unknown[] = [];
    emitter.on('x', () => calls.push(seen()));
    emitter.emit('x');
    expect(calls).toEqual(['first']);
  });
});

describe('bindEmitterContext', () => {
  it('leaves emitters of the same class that were not bound alone', () => {
    const bound = new Emitter();
    const unbound = new Emitter();
    bindEmitterContext(bound, named('request'));
    const listener = () => calls.push(seen());
    const calls: unknown[] = [];
    unbound.on('x', listener);
    expect(unbound.listeners('x')[0]).toBe(listener);
    context.with(named('elsewhere'), () => unbound.emit('x'));
    expect(calls).toEqual(['elsewhere']);
  });

  it('binds the requests and responses of node:http, whose streams keep working', () => {
    const request = new IncomingMessage(new Socket());
    const response = new ServerResponse(request);
    expect(bindEmitterContext(request, named('request'))).toBe(true);
    expect(bindEmitterContext(response, named('request'))).toBe(true);
    const calls: unknown[] = [];
    request.on('data', (chunk: Buffer) => calls.push(['data', String(chunk), seen()]));
    request.on('end', () => calls.push(['end', seen()]));
    response.on('finish', () => calls.push(['finish', seen()]));
    context.with(named('elsewhere'), () => {
      request.push('body');
      request.push(null);
    });
    return new Promise<void>((resolve) => {
      request.on('end', () => {
        expect(calls).toEqual([
          ['data', 'body', 'request'],
          ['end', 'request'],
        ]);
        resolve();
      });
    });
  });

  it('declines an emitter whose listener methods were patched on the instance, so the caller falls back', () => {
    const emitter = new Emitter();
    emitter.on = emitter.on.bind(emitter);
    expect(bindEmitterContext(emitter, named('request'))).toBe(false);
  });
});
