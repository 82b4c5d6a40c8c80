// A cluster of http-server workers started by throng, as throng's README
// shows (throng({ workers, start })): throng is the primary's supervisor and
// signal handler; each worker serves the site with http-server's documented
// createServer. Both packages are used through their public entries only.
'use strict';
const throng = require('throng');
const httpServer = require('http-server');

throng({
  workers: 2,
  lifetime: Infinity,
  start: (id) => {
    httpServer.createServer({ root: process.env.SITE, cache: -1 }).listen(Number(process.env.PORT), '127.0.0.1', () => console.log(`worker ${id} listening`));
  },
});
