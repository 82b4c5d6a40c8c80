// The client side of bench/http-client-micro.ts, run with or without our
// tree in NODE_OPTIONS: BENCH_REQUESTS GETs, BENCH_IN_FLIGHT at a time over
// one keep-alive agent, to an uninstrumented server on BENCH_PORT, after as
// many warm-up requests; prints the CPU time of this process per measured
// request (user + system) as one JSON line.
const http = require('node:http');

const port = Number(process.env.BENCH_PORT);
const requests = Number(process.env.BENCH_REQUESTS);
const inFlight = Number(process.env.BENCH_IN_FLIGHT || 8);
const agent = new http.Agent({ keepAlive: true, maxSockets: inFlight });

function get() {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: '/orders?page=2', agent }, (res) => {
        res.resume();
        res.on('end', resolve);
      })
      .on('error', reject);
  });
}

async function batch(count) {
  let next = 0;
  const worker = async () => {
    while (next++ < count) await get();
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
}

(async () => {
  await batch(requests);
  const before = process.cpuUsage();
  await batch(requests);
  const used = process.cpuUsage(before);
  console.log(JSON.stringify({ cpuNsPerRequest: ((used.user + used.system) * 1000) / requests }));
  agent.destroy();
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
