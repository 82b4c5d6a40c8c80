// hapi publishes no runnable program: this is the start-up hapi's own
// documentation gives (Hapi.server, server.route, server.start), with its port
// from PORT. Nothing else is added: no signal handler, no shutdown code.
'use strict';
const Hapi = require('@hapi/hapi');

const init = async () => {
  const server = Hapi.server({ port: Number(process.env.PORT), host: '127.0.0.1' });
  server.route({ method: 'GET', path: '/', handler: () => 'Hello World!' });
  server.route({ method: 'GET', path: '/users/{name}', handler: (request) => ({ user: request.params.name }) });
  await server.start();
  console.log('Server running on %s', server.info.uri);
};

process.on('unhandledRejection', (err) => {
  console.log(err);
  process.exit(1);
});

init();
