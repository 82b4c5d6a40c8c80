'use strict';

// Decides how long GET /slow waits. Pure: the `ms` query value in, the delay
// and (for bad or too large values) a note saying what was done instead out.

const DEFAULT_SLOW_MS = 150;
// A cap keeps a typo from tying up a request (and a test) for minutes.
const MAX_SLOW_MS = 5000;

function slowDuration(rawMs) {
  if (rawMs === undefined || rawMs === '') return { ms: DEFAULT_SLOW_MS, note: undefined };
  const text = Array.isArray(rawMs) ? String(rawMs[0]) : String(rawMs);
  if (!/^\d+$/.test(text)) {
    return { ms: DEFAULT_SLOW_MS, note: `ms=${JSON.stringify(text)} is not a whole number of milliseconds; waited ${DEFAULT_SLOW_MS}` };
  }
  const ms = Number(text);
  if (ms > MAX_SLOW_MS) {
    return { ms: MAX_SLOW_MS, note: `ms=${text} is above the ${MAX_SLOW_MS} ms cap; waited ${MAX_SLOW_MS}` };
  }
  return { ms, note: undefined };
}

module.exports = { slowDuration, DEFAULT_SLOW_MS, MAX_SLOW_MS };
