/**
 * The runtime cache's decisions, as pure functions: where the cache is, what
 * a runtime directory is called, which version a request means, and the
 * environment a cached runtime runs in.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

export type Which = 'oldest' | 'newest';

export const STAGING_PREFIX = '.staging-';

export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  return env.CUSTOM_OTEL_CACHE_DIR || join(homedir(), '.cache', 'custom-otel-nodejs');
}

export function runtimeDirName(version: string): string {
  return `node-v${version}-linux-x64`;
}

/** [major, minor, patch] of an exact release version like "20.6.0" (optional leading "v"); undefined otherwise. */
export function parseExactVersion(text: string): [number, number, number] | undefined {
  const match = /^v?(\d+)\.(\d+)\.(\d+)$/.exec(text.trim());
  return match ? [Number(match[1]), Number(match[2]), Number(match[3])] : undefined;
}

export function compareVersions(a: string, b: string): number {
  const left = parseExactVersion(a);
  const right = parseExactVersion(b);
  if (!left || !right) throw new Error(`cannot compare versions "${a}" and "${b}": expected x.y.z`);
  const [leftMajor, leftMinor, leftPatch] = left;
  const [rightMajor, rightMinor, rightPatch] = right;
  return leftMajor - rightMajor || leftMinor - rightMinor || leftPatch - rightPatch;
}

/** Newest release (no pre-releases) of one major in a published version list. */
export function newestOfMajor(published: readonly string[], major: number): string | undefined {
  return published
    .filter((version) => parseExactVersion(version)?.[0] === major)
    .sort(compareVersions)
    .at(-1);
}

/** What the CLI's first argument means: a whole version, or a major to resolve. */
export function parseRuntimeRequest(text: string): { version: string } | { major: number } {
  const exact = parseExactVersion(text);
  if (exact) return { version: exact.join('.') };
  if (/^\d+$/.test(text)) return { major: Number(text) };
  throw new Error(`"${text}" is neither a Node version (like 20.6.0) nor a major (like 20)`);
}

export function parseWhich(text: string | undefined): Which {
  if (text === undefined) return 'oldest';
  if (text === 'oldest' || text === 'newest') return text;
  throw new Error(`--which must be "oldest" or "newest", got "${text}"`);
}

/** Local date, so "cached for the day" matches the calendar of whoever runs it. */
export function dayStamp(now: Date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** Process id encoded in a staging directory name, so leftovers of dead runs can be told from live ones. */
export function stagingOwner(name: string): number | undefined {
  const match = new RegExp(`^${STAGING_PREFIX}.*-pid(\\d+)-[0-9a-f]+$`).exec(name);
  return match ? Number(match[1]) : undefined;
}

/**
 * Environment for running a cached runtime: its bin first on PATH, and none of
 * the npm_* variables a parent npm/npx exports (they carry the host npm's
 * prefix, node-gyp and nodedir, wrong for another Node). nodedir points at the
 * runtime's own headers so native builds match its ABI. Everything else,
 * NODE_EXTRA_CA_CERTS included, passes through.
 */
export function runtimeEnv(runtimeDir: string, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const clean = withoutNpmScriptVars(env);
  clean.PATH = [join(runtimeDir, 'bin'), env.PATH].filter(Boolean).join(':');
  clean.npm_config_nodedir = runtimeDir;
  clean.npm_config_update_notifier = 'false';
  return clean;
}

/** Shell launcher that runs an npm CLI script with the node next to it, whatever PATH says. */
export function launcherScript(cliScript: 'npm-cli.js' | 'npx-cli.js'): string {
  return [
    '#!/bin/sh',
    '# Runs this runtime\'s npm with this runtime\'s node, wherever PATH points.',
    'self=$0',
    '# Follow symlinks (say, a link from /usr/local/bin) back to this file; plain shell, no PATH needed otherwise.',
    'while [ -L "$self" ]; do',
    '  link=$(readlink "$self")',
    '  case $link in /*) self=$link ;; *) self=${self%/*}/$link ;; esac',
    'done',
    'basedir=${self%/*}',
    `exec "$basedir/node" "$basedir/../lib/node_modules/npm/bin/${cliScript}" "$@"`,
    '',
  ].join('\n');
}

/** Drops the variables a parent npm/npx exports, so nested npm calls read their own config. */
export function withoutNpmScriptVars(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const clean: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(env)) if (!/^npm_/i.test(key)) clean[key] = value;
  return clean;
}
