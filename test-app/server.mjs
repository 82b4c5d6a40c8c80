// ESM entry: loads express and mysql2 with import, which is what exercises the
// ESM loader hook of the instrumentation.
import express from 'express';
import mysql from 'mysql2/promise';
import startServerModule from './lib/start-server.cjs';

startServerModule.startServer({ express, mysql, variant: 'esm' });
