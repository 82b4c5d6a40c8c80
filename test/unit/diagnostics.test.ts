/** How the distribution speaks (src/diagnostics.ts): once per kind, counted repeats, summaries. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Diagnostics, describeError } from '../../src/diagnostics';

function capture() {
  const lines: string[] = [];
  return { lines, diagnostics: new Diagnostics((line) => lines.push(line)) };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('Diagnostics', () => {
  it('prefixes every line and filters by level (info by default)', () => {
    const { lines, diagnostics } = capture();
    for (const level of ['error', 'warn', 'info', 'debug'] as const) diagnostics.log(level, `a ${level}`);
    expect(lines).toEqual(['[custom-otel] error: a error', '[custom-otel] warn: a warn', '[custom-otel] info: a info']);
  });

  it('follows setLevel', () => {
    const { lines, diagnostics } = capture();
    diagnostics.setLevel('error');
    diagnostics.log('warn', 'hidden');
    diagnostics.log('error', 'shown');
    diagnostics.setLevel('none');
    diagnostics.log('error', 'hidden too');
    diagnostics.setLevel('all');
    diagnostics.log('debug', 'shown too');
    expect(lines).toEqual(['[custom-otel] error: shown', '[custom-otel] debug: shown too']);
    expect(diagnostics.enabled('debug')).toBe(true);
  });

  it('logs the first failure of a kind only and counts the rest for the summary', () => {
    const { lines, diagnostics } = capture();
    for (let i = 0; i < 5; i++) diagnostics.once('export', 'warn', `export failed #${i}`);
    diagnostics.once('other', 'error', 'other failed');
    diagnostics.once('other', 'error', 'other failed again');
    expect(lines).toEqual(['[custom-otel] warn: export failed #0', '[custom-otel] error: other failed']);
    diagnostics.flushSummary();
    expect(lines[2]).toBe('[custom-otel] warn: in the last minute: export: 4; other: 1');
    // A summary resets the counts; kinds already seen stay quiet.
    diagnostics.flushSummary();
    diagnostics.once('export', 'warn', 'again');
    expect(lines).toHaveLength(3);
  });

  it('counts lost items, ignoring zero and negative counts', () => {
    const { lines, diagnostics } = capture();
    diagnostics.count('spans dropped', 3);
    diagnostics.count('spans dropped', 2);
    diagnostics.count('spans dropped', 0);
    diagnostics.count('logs dropped', -1);
    diagnostics.flushSummary();
    expect(lines).toEqual(['[custom-otel] warn: in the last minute: spans dropped: 5']);
  });

  it('writes nothing when there is nothing to summarise', () => {
    const { lines, diagnostics } = capture();
    diagnostics.flushSummary();
    expect(lines).toEqual([]);
  });

  it('summarises on its own once a minute after the first repeat', () => {
    vi.useFakeTimers();
    const { lines, diagnostics } = capture();
    diagnostics.once('export', 'warn', 'failed');
    diagnostics.once('export', 'warn', 'failed');
    diagnostics.count('spans dropped', 7);
    vi.advanceTimersByTime(59_999);
    expect(lines).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(lines).toEqual(['[custom-otel] warn: failed', '[custom-otel] warn: in the last minute: export: 1; spans dropped: 7']);
    vi.advanceTimersByTime(120_000);
    expect(lines).toHaveLength(2);
  });

  it('does not summarise when the level hides warnings, and never throws when writing fails', () => {
    const quiet = capture();
    quiet.diagnostics.setLevel('error');
    quiet.diagnostics.count('x', 1);
    quiet.diagnostics.flushSummary();
    expect(quiet.lines).toEqual([]);

    const broken = new Diagnostics(() => {
      throw new Error('EPIPE');
    });
    expect(() => broken.log('error', 'nowhere')).not.toThrow();
  });
});

describe('describeError', () => {
  it('uses the message, else the name, else the text', () => {
    expect(describeError(new Error('boom'))).toBe('boom');
    expect(describeError(new TypeError())).toBe('TypeError');
    expect(describeError('plain')).toBe('plain');
    expect(describeError(42)).toBe('42');
    expect(describeError(undefined)).toBe('undefined');
  });
});
