/** The context manager's cheaper bind for node:http's messages (src/context-manager.ts). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventEmitter } from 'node:events';
import { ClientRequest, IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { context, createContextKey, ROOT_CONTEXT } from '@opentelemetry/api';
import { HttpAwareContextManager } from '../../src/context-manager';

const KEY = createContextKey('test');
const seen = (): unknown => context.active().getValue(KEY);

beforeAll(() => {
  context.setGlobalContextManager(new HttpAwareContextManager().enable());
});
afterAll(() => {
  context.disable();
});

describe('HttpAwareContextManager', () => {
  it("binds node:http's requests and responses without writing methods onto them, with the same effect", () => {
    const request = new IncomingMessage(new Socket());
    const response = new ServerResponse(request);
    const outbound = new ClientRequest('http://127.0.0.1:1/');
    outbound.on('error', () => undefined);
    for (const message of [request, response, outbound] as EventEmitter[]) {
      context.bind(ROOT_CONTEXT.setValue(KEY, 'request'), message);
      expect(Object.prototype.hasOwnProperty.call(message, 'on')).toBe(false);
      const calls: unknown[] = [];
      message.on('x', () => calls.push(seen()));
      context.with(ROOT_CONTEXT.setValue(KEY, 'elsewhere'), () => message.emit('x'));
      expect(calls).toEqual(['request']);
    }
    outbound.destroy();
  });

  it('binds any other emitter and functions as the context manager always did', () => {
    const emitter = new EventEmitter();
    context.bind(ROOT_CONTEXT.setValue(KEY, 'bound'), emitter);
    expect(Object.prototype.hasOwnProperty.call(emitter, 'on')).toBe(true);
    const calls: unknown[] = [];
    emitter.on('x', () => calls.push(seen()));
    const fn = context.bind(ROOT_CONTEXT.setValue(KEY, 'fn'), () => calls.push(seen()));
    context.with(ROOT_CONTEXT.setValue(KEY, 'elsewhere'), () => {
      emitter.emit('x');
      fn();
    });
    expect(calls).toEqual(['bound', 'fn']);
  });
});
