/** The staged tree of the host's Node major, made once per test run by the global set-up. */
import { inject } from 'vitest';

export function stagedEntry(): string {
  return `${inject('stagedTree')}/autoinstrumentation.js`;
}
