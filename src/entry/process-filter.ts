/**
 * NODE_OPTIONS reaches every Node process in the container, package-manager
 * CLIs included (`npm start`). Only the app itself should be instrumented.
 */
// Read here, not by parseConfig: the entry decides before the distribution is loaded.
export const EXCLUDE_COMMANDS_VARIABLE = 'CUSTOM_OTEL_EXCLUDE_COMMANDS';
export const DEFAULT_EXCLUDE_COMMANDS = ['npm', 'npx', 'yarn', 'pnpm', 'pnpx', 'corepack', 'node-gyp', 'nodemon'];

/** The command name of a script path: `/usr/lib/node_modules/npm/bin/npm-cli.js` → `npm`. */
export function commandName(scriptPath: string | undefined): string | undefined {
  if (!scriptPath) return undefined;
  const base = scriptPath.slice(Math.max(scriptPath.lastIndexOf('/'), scriptPath.lastIndexOf('\\')) + 1);
  return base.replace(/\.(c|m)?js$/, '').replace(/-cli$/, '').toLowerCase();
}

export function isExcludedCommand(scriptPath: string | undefined, setting: string | undefined): boolean {
  const name = commandName(scriptPath);
  if (name === undefined) return false;
  const list = setting === undefined || setting.trim() === ''
    ? DEFAULT_EXCLUDE_COMMANDS
    : setting.split(',').map((entry) => entry.trim().toLowerCase()).filter(Boolean);
  return list.indexOf(name) >= 0;
}
