/**
 * What a run under our tree must share with the bare run: the answers
 * (status and body, with times, ids and ports masked), and which lines of
 * ours or warnings it adds to the output.
 */
import type { Answer } from './program-run';

/** Masks what differs between any two runs of the same program: ids, times, ports, durations. */
export function normaliseBody(body: string): string {
  return body
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '<uuid>')
    .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z?/g, '<time>')
    .replace(/(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT/g, '<time>')
    .replace(/\b\d{13}\b/g, '<epoch-ms>')
    .replace(/(127\.0\.0\.1|localhost|\[::1?\]):\d+/g, '$1:<port>')
    .replace(/W\/"[^"]*"|"[0-9a-f-]{20,}"/g, '<etag>');
}

export function normaliseAnswers(answers: Answer[]): Answer[] {
  return answers.map((a) => ({ status: a.status, body: normaliseBody(a.body) }));
}

/** Our lines: every line we write starts with this prefix. */
export function ourLines(output: string): string[] {
  return output.split('\n').filter((line) => line.includes('[custom-otel]'));
}

/** Warning lines in `ours` that the bare run did not print (Node's `(node:PID)` prefix masked). */
export function addedWarnings(bare: string, ours: string): string[] {
  const key = (line: string) => line.replace(/\(node:\d+\)/, '(node)').trim();
  const seen = new Set(bare.split('\n').map(key));
  return ours.split('\n').filter((line) => /warn/i.test(line) && !seen.has(key(line)));
}
