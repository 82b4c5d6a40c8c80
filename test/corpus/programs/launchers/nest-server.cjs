// NestJS publishes no runnable program (its starter is a TypeScript project
// to generate): this is the documented entry (NestFactory.create on an
// AppModule with one controller, app.listen), written with the decorators
// applied as functions so that plain Node runs it. No signal handler of its own.
'use strict';
require('reflect-metadata');
const { Controller, Get, Module, Param } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');

class AppController {
  getHello() {
    return 'Hello World!';
  }
  getCat(id) {
    return { cat: id };
  }
}
Controller()(AppController);
const hello = Object.getOwnPropertyDescriptor(AppController.prototype, 'getHello');
Get()(AppController.prototype, 'getHello', hello);
const cat = Object.getOwnPropertyDescriptor(AppController.prototype, 'getCat');
Param('id')(AppController.prototype, 'getCat', 0);
Get('cats/:id')(AppController.prototype, 'getCat', cat);

class AppModule {}
Module({ controllers: [AppController] })(AppModule);

async function bootstrap() {
  const app = await NestFactory.create(AppModule, { logger: ['error', 'warn'] });
  await app.listen(Number(process.env.PORT), '127.0.0.1');
  console.log('Nest application listening');
}
bootstrap();
