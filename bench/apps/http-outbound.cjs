// node:http service that calls another service per request: one outbound
// node:http GET and one outbound fetch. The called service is a child process
// started without NODE_OPTIONS, so only this process is instrumented.
const http = require('node:http');
const { spawn } = require('node:child_process');

// The backend ends with this process, however it ends (the benchmarks
// SIGKILL it): the IPC channel closes and the backend exits on 'disconnect'.
// It shares no stdio with the runner, whose pipes it would otherwise hold open.
const backendSource = `
process.on('disconnect', () => process.exit(0));
const server = require('node:http').createServer((req, res) => res.end('ok'));
server.listen(0, '127.0.0.1', () => console.log('BACKEND ' + server.address().port));`;
const env = { ...process.env };
delete env.NODE_OPTIONS;
const backend = spawn(process.execPath, ['-e', backendSource], { env, stdio: ['ignore', 'pipe', 'ignore', 'ipc'] });
process.on('exit', () => backend.kill());

const agent = new http.Agent({ keepAlive: true });
function httpGet(port) {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: '/http', agent }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode));
      })
      .on('error', reject);
  });
}

let output = '';
backend.stdout.on('data', (chunk) => {
  output += chunk;
  const match = /BACKEND (\d+)/.exec(output);
  if (!match) return;
  backend.stdout.removeAllListeners('data');
  const port = Number(match[1]);
  const server = http.createServer(async (req, res) => {
    try {
      const viaHttp = await httpGet(port);
      const viaFetch = await fetch(`http://127.0.0.1:${port}/fetch`);
      await viaFetch.text();
      const body = JSON.stringify({ http: viaHttp, fetch: viaFetch.status });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    } catch (error) {
      res.writeHead(502);
      res.end(String(error));
    }
  });
  server.listen(Number(process.env.PORT || 0), '127.0.0.1', () => {
    console.log(`LISTENING ${server.address().port}`);
  });
});
