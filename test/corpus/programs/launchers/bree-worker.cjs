// bree publishes no runnable program: this is its documented set-up (new
// Bree({ root, jobs }), bree.start(), bree.run(name) running the job in a
// worker thread, the job's messages on 'worker created' / workers), with a
// node:http endpoint that queues one job per request and answers with the
// job's result, as a job worker that reports over HTTP does.
'use strict';
const http = require('node:http');
const path = require('node:path');
const Bree = require('bree');

const bree = new Bree({
  root: path.join(__dirname, 'bree-jobs'),
  defaultExtension: 'cjs',
  jobs: [],
  logger: false,
});

let next = 0;
const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, 'http://localhost');
  if (url.pathname !== '/jobs/checksum') {
    res.writeHead(404).end('no such job\n');
    return;
  }
  const name = `checksum-${next++}`;
  await bree.add({ name, path: path.join(__dirname, 'bree-jobs', 'checksum.cjs'), worker: { workerData: { text: url.searchParams.get('text') ?? '' } } });
  bree.on('worker created', function onCreated(created) {
    if (created !== name) return;
    bree.off('worker created', onCreated);
    bree.workers.get(name).once('message', async (digest) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ job: 'checksum', digest }));
      await bree.remove(name);
    });
  });
  await bree.run(name);
});

bree.start().then(() => server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log('job worker listening')));
