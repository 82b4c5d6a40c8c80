/**
 * The context manager: AsyncLocalStorage's, except that binding a context to
 * one of node:http's messages (what the HTTP instrumentation does to every
 * request, response and outbound request) costs one property write instead
 * of eight closures written onto the object (instrumentations/emitter-context.ts).
 * Every other target is bound as before.
 */
import { EventEmitter } from 'node:events';
import type { Context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { bindEmitterContext } from './instrumentations/emitter-context';

let httpMessagePrototypes: Set<unknown> | undefined;

/** Whether the emitter is a node:http message of Node's own classes (required lazily: only bound once http is in use). */
function isHttpMessage(emitter: EventEmitter): boolean {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  httpMessagePrototypes ??= new Set(((http) => [http.IncomingMessage.prototype, http.ServerResponse.prototype, http.ClientRequest.prototype])(require('node:http') as typeof import('node:http')));
  return httpMessagePrototypes.has(Object.getPrototypeOf(emitter));
}

export class HttpAwareContextManager extends AsyncLocalStorageContextManager {
  override bind<T>(context: Context, target: T): T {
    if (target instanceof EventEmitter && isHttpMessage(target) && bindEmitterContext(target, context)) return target;
    return super.bind(context, target);
  }

  /** The AsyncLocalStorage the contexts live in (the base class keeps it in a field of its own), for enterWith. */
  storage(): unknown {
    return (this as unknown as { _asyncLocalStorage?: unknown })._asyncLocalStorage;
  }
}
