/**
 * Which other listeners of a signal let it take its course once we leave.
 * The real signal-exit releases (3.0.7, 4.1.0) are recognised in real
 * processes by test/reliability/signal-exit.test.ts; here the decision
 * itself, with listener code in the shapes that reach it: plain, minified,
 * and the app's own handlers.
 */
import { describe, expect, it } from 'vitest';
import { looksLikeSignalExit, signalOutcome } from '../../src/signal-listeners';
import { collectsAtBeforeExit, RECOLLECT_AFTER_MS, SHORT_LIVED_MS, signalAction } from '../../src/shutdown';

// The shape of signal-exit's listener: compare the listener count with the
// copies counted, then raise the signal again (readable and minified).
const V3_LIKE = 'function listener () { var listeners = process.listeners(sig); if (listeners.length === emitter.count) { unload(); emit("exit", null, sig); process.kill(process.pid, sig) } }';
const V4_LIKE = '() => { const listeners = this.#process.listeners(sig); let { count } = this.#emitter; if (listeners.length === count) { this.unload(); if (!ret) process.kill(process.pid, s); } }';
const MINIFIED = '()=>{let t=this.#e.listeners(n),{count:r}=this.#t;if(t.length===r){this.unload();let o=this.#n.emit("exit",null,n);o||process.kill(process.pid,n)}}';
const APP_HANDLERS = [
  "() => { server.close(() => process.exit(0)); }",
  'function onTerm() { console.log("bye"); process.exitCode = 0; }',
  // exit-hook style: a real handler that ends the process with its own code
  '(signal) => { exit(true, 2, 128 + 15) }',
  // counts something and kills a child, but is the app's own
  'function () { count++; child.kill("SIGTERM") }',
];

describe('signal-exit listeners', () => {
  it.each([V3_LIKE, V4_LIKE, MINIFIED])('recognises %s', (source) => {
    expect(looksLikeSignalExit(source)).toBe(true);
  });

  it.each(APP_HANDLERS)('takes %s for the app\'s own handler', (source) => {
    expect(looksLikeSignalExit(source)).toBe(false);
  });
});

describe('what a signal does', () => {
  it('with no other listener, Node\'s default follows once we leave', () => {
    expect(signalOutcome({ others: [], signalExitCopies: 0 })).toBe('no other listener');
    expect(signalAction('no other listener')).toBe('flush, then raise again');
  });

  it('signal-exit alone (one copy, v3 and v4 together, two copies of v4) passes the signal on', () => {
    expect(signalOutcome({ others: [V3_LIKE], signalExitCopies: 1 })).toBe('passes on');
    expect(signalOutcome({ others: [V3_LIKE, V4_LIKE], signalExitCopies: 2 })).toBe('passes on');
    expect(signalOutcome({ others: [MINIFIED, V4_LIKE], signalExitCopies: 2 })).toBe('passes on');
    expect(signalAction('passes on')).toBe('flush, then raise again');
  });

  it('an app handler next to signal-exit: the app decides', () => {
    expect(signalOutcome({ others: [V3_LIKE, APP_HANDLERS[0]!], signalExitCopies: 1 })).toBe('app decides');
    expect(signalOutcome({ others: [APP_HANDLERS[1]!], signalExitCopies: 0 })).toBe('app decides');
    expect(signalAction('app decides')).toBe('flush, app decides');
  });

  it('listeners that look like signal-exit but are not counted by it are the app\'s', () => {
    // signal-exit would not act on them either: its count does not match.
    expect(signalOutcome({ others: [V3_LIKE], signalExitCopies: 0 })).toBe('app decides');
    expect(signalOutcome({ others: [V3_LIKE, V4_LIKE], signalExitCopies: 1 })).toBe('app decides');
  });
});

describe('metrics at beforeExit', () => {
  it('a short-lived process takes none (it sends only its spans)', () => {
    expect(collectsAtBeforeExit(SHORT_LIVED_MS - 1, undefined)).toBe(false);
  });

  it('a long-lived one takes one, and again after the app did more work, not as the echo of its own', () => {
    expect(collectsAtBeforeExit(SHORT_LIVED_MS + 1, undefined)).toBe(true);
    expect(collectsAtBeforeExit(SHORT_LIVED_MS + 5000, 4000)).toBe(true);
    expect(collectsAtBeforeExit(SHORT_LIVED_MS + 5000, RECOLLECT_AFTER_MS - 1)).toBe(false);
  });
});
