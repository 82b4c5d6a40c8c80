// Benchmark 4b, run under NODE_OPTIONS=" --require <instrumentation>": creates
// HTTP-server-like root spans (15 attributes) as fast as it can for
// BENCH_LOOP_MS, yielding to the event loop every 100 spans so the batch
// processor and the gRPC exporter can run, then flushes and prints one JSON line.
const { trace, SpanKind } = require('@opentelemetry/api');

const durationMs = Number(process.env.BENCH_LOOP_MS);
if (!(durationMs > 0)) {
  console.error(`BENCH_LOOP_MS="${process.env.BENCH_LOOP_MS}" must be a positive number of milliseconds`);
  process.exit(2);
}

const tracer = trace.getTracer('bench-export-loop');
const yieldToLoop = () => new Promise((resolve) => setImmediate(resolve));

async function main() {
  let created = 0;
  const started = Date.now();
  const end = started + durationMs;
  while (Date.now() < end) {
    for (let i = 0; i < 100; i++, created++) {
      const span = tracer.startSpan('GET /api/orders/:id', {
        kind: SpanKind.SERVER,
        attributes: {
          'http.url': `http://orders.demo.svc:8080/api/orders/${created}?page=2&size=20`,
          'http.host': 'orders.demo.svc:8080',
          'net.host.name': 'orders.demo.svc',
          'http.method': 'GET',
          'http.scheme': 'http',
          'http.target': `/api/orders/${created}?page=2&size=20`,
          'http.user_agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36',
          'http.flavor': '1.1',
          'net.transport': 'ip_tcp',
        },
      });
      span.setAttribute('net.host.ip', '10.1.2.3');
      span.setAttribute('net.host.port', 8080);
      span.setAttribute('net.peer.ip', '10.1.7.9');
      span.setAttribute('net.peer.port', 51234);
      span.setAttribute('http.status_code', 200);
      span.setAttribute('http.route', '/api/orders/:id');
      span.end();
    }
    await yieldToLoop();
  }
  const loopMs = Date.now() - started;
  const provider = trace.getTracerProvider();
  const sdk = typeof provider.getDelegate === 'function' ? provider.getDelegate() : provider;
  if (typeof sdk.forceFlush !== 'function') {
    console.error('no SDK tracer provider is registered: the instrumentation did not start');
    process.exit(3);
  }
  const flushStarted = Date.now();
  await sdk.forceFlush();
  console.log(JSON.stringify({ created, loopMs, flushMs: Date.now() - flushStarted }));
  process.exit(0);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
