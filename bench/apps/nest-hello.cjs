// NestJS on Express hello-world, plain JavaScript: Nest's decorators applied
// as functions, the way TypeScript's compiled output applies them.
require('reflect-metadata');
const { Controller, Get, Module } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');

class AppController {
  hello() {
    return { hello: 'world' };
  }
}
Controller()(AppController);
Get()(AppController.prototype, 'hello', Object.getOwnPropertyDescriptor(AppController.prototype, 'hello'));

class AppModule {}
Module({ controllers: [AppController] })(AppModule);

async function main() {
  const app = await NestFactory.create(AppModule, { logger: false });
  await app.listen(Number(process.env.PORT || 0), '127.0.0.1');
  console.log(`LISTENING ${app.getHttpServer().address().port}`);
}
main();
