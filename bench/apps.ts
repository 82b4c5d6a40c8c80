/** The small apps every variant runs (same file, same Node). */
import { join } from 'node:path';

export const APPS_DIR = join(__dirname, 'apps');

export const APPS = {
  http: { title: 'node:http hello-world', script: join(APPS_DIR, 'http-hello.cjs') },
  express: { title: 'express hello-world', script: join(APPS_DIR, 'express-hello.cjs') },
  'express-esm': { title: 'express hello-world, ES module', script: join(APPS_DIR, 'express-hello.mjs') },
  'http-outbound': { title: 'node:http calling out (http.get + fetch)', script: join(APPS_DIR, 'http-outbound.cjs') },
  fastify: { title: 'fastify hello-world', script: join(APPS_DIR, 'fastify-hello.cjs') },
  nest: { title: 'NestJS on express hello-world', script: join(APPS_DIR, 'nest-hello.cjs') },
} as const;
export type AppName = keyof typeof APPS;
export const APP_NAMES = Object.keys(APPS) as AppName[];

/** An app as the throughput benchmark runs it: the bench's own, or one installed elsewhere (bench/unseen-framework.ts). */
export interface BenchApp {
  /** Short name, also in service.name. */
  name: string;
  title: string;
  script: string;
  /** Working directory of the server process. */
  cwd: string;
}

export function benchApp(name: AppName): BenchApp {
  return { name, title: APPS[name].title, script: APPS[name].script, cwd: APPS_DIR };
}
