// A fixed-rate (open-loop) HTTP load generator, run as its own process so
// that its timers and latency clocks share no event loop with the app, the
// OTLP receiver or the test runner. Arguments: a JSON object
// { port, path, rate, durationMs, timeoutMs }. Prints one JSON line with the
// counts and latency quantiles (milliseconds, microsecond resolution).
'use strict';
const http = require('node:http');

const { port, path, rate, durationMs, timeoutMs = 5000 } = JSON.parse(process.argv[2]);
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const intervalMs = 1000 / rate;
const total = Math.round((durationMs / 1000) * rate);
const latencies = [];
const failures = { errors: 0, timeouts: 0, non2xx: 0 };
const errorSamples = new Set();
let sent = 0;
let settled = 0;
const startedAt = performance.now();

// A kept-alive socket can be closed by the server (idle timeout) just as a
// request is written to it: the request never reached the app. Like browsers,
// such a GET is sent again once, on a fresh socket; it is counted, not failed.
let resentAfterStaleSocket = 0;

function fire() {
  sent++;
  send(performance.now(), false);
}

function send(t0, isResend) {
  let done = false;
  const finish = (kind, detail) => {
    if (done) return;
    done = true;
    settled++;
    if (kind === 'ok') latencies.push(performance.now() - t0);
    else {
      failures[kind]++;
      if (detail && errorSamples.size < 5) errorSamples.add(detail);
    }
    if (settled === total) report();
  };
  const req = http.get({ host: '127.0.0.1', port, path, agent }, (res) => {
    res.resume();
    res.on('end', () => finish(res.statusCode >= 200 && res.statusCode < 300 ? 'ok' : 'non2xx', `status ${res.statusCode}`));
    res.on('error', (error) => finish('errors', error.message));
  });
  req.setTimeout(timeoutMs, () => {
    finish('timeouts', `no answer within ${timeoutMs} ms`);
    req.destroy();
  });
  req.on('error', (error) => {
    if (!done && !isResend && req.reusedSocket && (error.code === 'ECONNRESET' || error.code === 'EPIPE')) {
      done = true;
      resentAfterStaleSocket++;
      send(t0, true);
      return;
    }
    finish('errors', error.message);
  });
}

// Each request has a due time; a late timer sends every request that is due,
// so the offered rate stays fixed even when the process is briefly busy.
function tick() {
  const elapsed = performance.now() - startedAt;
  while (sent < total && sent * intervalMs <= elapsed) fire();
  if (sent < total) setTimeout(tick, Math.max(0, sent * intervalMs - (performance.now() - startedAt)));
}

function quantile(sorted, q) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

function report() {
  const sorted = latencies.slice().sort((a, b) => a - b);
  const round = (ms) => Math.round(ms * 1000) / 1000;
  process.stdout.write(
    JSON.stringify({
      sent,
      ok: latencies.length,
      failed: failures.errors + failures.timeouts + failures.non2xx,
      failures,
      resentAfterStaleSocket,
      errorSamples: [...errorSamples],
      elapsedMs: Math.round(performance.now() - startedAt),
      latencyMs: { p50: round(quantile(sorted, 0.5)), p90: round(quantile(sorted, 0.9)), p99: round(quantile(sorted, 0.99)), max: round(sorted[sorted.length - 1] ?? NaN) },
    }) + '\n',
  );
  agent.destroy();
}

if (total === 0) report();
else tick();
