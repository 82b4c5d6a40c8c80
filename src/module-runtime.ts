/**
 * What this Node decides about module formats, from its version and the
 * flags it runs with (command line and NODE_OPTIONS). Checked against real
 * runtimes: syntax detection is on by default from 20.19 and 22.7 (all of 23
 * and later); type stripping from 22.18 and 23.6 (all of 24 and later).
 */
export interface ModuleRuntime {
  /** A `.js` (or `.ts`) with no package "type" that uses import/export runs as ESM. */
  syntaxDetection: boolean;
  /** `.ts`, `.mts` and `.cts` run with their types stripped. */
  typeStripping: boolean;
  /** --experimental-default-type=module: the ESM loader runs the entry. */
  defaultTypeModule: boolean;
  /** --import, --loader or --experimental-loader: the ESM loader runs the entry, whatever it is. */
  userLoaders: boolean;
}

function atLeast(version: readonly number[], ...floors: Array<[number, number]>): boolean {
  const [major = 0, minor = 0] = version;
  return floors.some(([floorMajor, floorMinor]) => major === floorMajor && minor >= floorMinor);
}

/** `--experimental_strip_types=true` → `--experimental-strip-types`; the value is returned apart. */
function parseFlag(token: string): { name: string; value: string | undefined } {
  const equals = token.indexOf('=');
  const name = (equals < 0 ? token : token.slice(0, equals)).replace(/_/g, '-');
  return { name, value: equals < 0 ? undefined : token.slice(equals + 1) };
}

/** The flags' tokens, NODE_OPTIONS first (the command line wins where they disagree). */
export function nodeFlagTokens(execArgv: readonly string[], nodeOptions: string | undefined): string[] {
  const fromEnv = (nodeOptions ?? '').match(/(?:[^\s"']+|"[^"]*"|'[^']*')+/g) ?? [];
  return [...fromEnv.map((token) => token.replace(/^(["'])(.*)\1$/, '$2')), ...execArgv];
}

export function moduleRuntime(nodeVersion: string, flags: readonly string[]): ModuleRuntime {
  const version = nodeVersion.replace(/^v/, '').split('.').map((part) => parseInt(part, 10));
  const major = version[0] ?? 0;
  const runtime: ModuleRuntime = {
    syntaxDetection: major >= 23 || atLeast(version, [22, 7], [20, 19]),
    typeStripping: major >= 24 || atLeast(version, [23, 6], [22, 18]),
    defaultTypeModule: false,
    userLoaders: false,
  };
  for (let i = 0; i < flags.length; i++) {
    const { name, value } = parseFlag(flags[i]!);
    const separateValue = () => (value !== undefined ? value : flags[i + 1]);
    if (name === '--experimental-detect-module') runtime.syntaxDetection = value !== 'false';
    else if (name === '--no-experimental-detect-module') runtime.syntaxDetection = false;
    else if (name === '--experimental-strip-types' || name === '--experimental-transform-types') runtime.typeStripping = value !== 'false';
    else if (name === '--no-experimental-strip-types') runtime.typeStripping = false;
    else if (name === '--experimental-default-type') runtime.defaultTypeModule = separateValue() === 'module';
    else if (name === '--import' || name === '--loader' || name === '--experimental-loader') runtime.userLoaders = true;
  }
  return runtime;
}
