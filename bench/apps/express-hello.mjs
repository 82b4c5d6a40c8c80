// Express hello-world as an ES module: instrumented through the ESM loader
// hook (in-thread registerHooks where the runtime has them, else the loader thread).
import express from 'express';

const app = express();
app.get('/', (req, res) => res.json({ hello: 'world' }));
const server = app.listen(Number(process.env.PORT || 0), '127.0.0.1', () => {
  console.log(`LISTENING ${server.address().port}`);
});
