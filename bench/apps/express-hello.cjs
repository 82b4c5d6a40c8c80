// Express hello-world: the common small service (express from the repository's node_modules).
const express = require('express');

const app = express();
app.get('/', (req, res) => res.json({ hello: 'world' }));
const server = app.listen(Number(process.env.PORT || 0), '127.0.0.1', () => {
  console.log(`LISTENING ${server.address().port}`);
});
