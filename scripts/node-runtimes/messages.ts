/** Short texts for the runtime cache's notices and errors. */
import type { CommandFailure } from '../child-process';

export function randomHex(): string {
  return Math.floor(Math.random() * 0xffffffff).toString(16);
}

export function notice(message: string): void {
  process.stderr.write(`node-runtimes: ${message}\n`);
}

export function firstLine(error: unknown): string {
  return String((error as Error)?.message ?? error).split('\n')[0] ?? '';
}

/** The error lines npm printed, or the first line of the error. */
export function npmErrorSummary(error: unknown): string {
  const stderr = (error as Partial<CommandFailure>).result?.stderr ?? '';
  const lines = stderr.split('\n').filter((line) => /error/i.test(line) && !/Unknown user config/.test(line));
  return lines.slice(0, 5).join(' | ') || firstLine(error);
}

export function tail(text: string | undefined, lines = 30): string {
  return (text ?? '').trim().split('\n').slice(-lines).join('\n');
}
