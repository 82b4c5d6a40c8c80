// Fastify hello-world: the other common framework (fastify from the repository's node_modules).
const fastify = require('fastify');

const app = fastify({ logger: false });
app.get('/', async () => ({ hello: 'world' }));
app.listen({ port: Number(process.env.PORT || 0), host: '127.0.0.1' }).then(() => {
  console.log(`LISTENING ${app.server.address().port}`);
});
