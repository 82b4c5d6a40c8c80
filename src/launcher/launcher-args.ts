/**
 * The launcher's command line, as a pure function:
 *   instrument.js [--<setting> VALUE | --<setting>=VALUE]... [--] COMMAND [ARGS...]
 * A setting is a variable's name without its OTEL_ / CUSTOM_OTEL_ prefix, in
 * lower case (`--traces_exporter console` is OTEL_TRACES_EXPORTER=console);
 * `-` may stand for `_`.
 */
export interface LaunchPlan {
  kind: 'launch';
  /** Variables set by flags; they win over the environment. */
  overrides: Record<string, string>;
  command: string[];
}
export type ParsedLauncherArgs = LaunchPlan | { kind: 'help' } | { kind: 'error'; message: string };

/** `OTEL_TRACES_EXPORTER` → `traces_exporter`. */
export function flagOf(variable: string): string {
  return variable.replace(/^(CUSTOM_)?OTEL_/, '').toLowerCase();
}

export function flagTable(variables: readonly string[]): Map<string, string> {
  return new Map(variables.map((variable) => [flagOf(variable), variable]));
}

export function usage(variables: readonly string[]): string {
  const flags = variables.map((v) => `--${flagOf(v)}`);
  return [
    'usage: node <tree>/instrument.js [--<setting> VALUE]... -- COMMAND [ARGS...]',
    '  e.g. node instrument.js --traces_exporter console --metrics_exporter none --service_name shop -- node app.js',
    '  Runs COMMAND with this tree\'s autoinstrumentation.js in NODE_OPTIONS; a flag sets its variable, over the environment.',
    `  settings: ${flags.join(' ')}`,
  ].join('\n');
}

export function parseLauncherArgs(args: readonly string[], variables: readonly string[]): ParsedLauncherArgs {
  const table = flagTable(variables);
  const overrides: Record<string, string> = {};
  let i = 0;
  for (; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') {
      i++;
      break;
    }
    if (arg === '--help' || arg === '-h') return { kind: 'help' };
    if (!arg.startsWith('-')) break;
    const eq = arg.indexOf('=');
    const flag = (eq > 0 ? arg.slice(0, eq) : arg).replace(/^--?/, '').toLowerCase().replace(/-/g, '_');
    const variable = table.get(flag);
    if (variable === undefined) {
      return { kind: 'error', message: `unknown option ${arg.slice(0, eq > 0 ? eq : undefined)}; valid options: ${[...table.keys()].map((f) => `--${f}`).join(' ')}` };
    }
    let value: string | undefined;
    if (eq > 0) value = arg.slice(eq + 1);
    else {
      value = args[i + 1];
      if (value === undefined || value === '--') return { kind: 'error', message: `${arg} needs a value (it sets ${variable})` };
      i++;
    }
    overrides[variable] = value;
  }
  const command = args.slice(i);
  if (command.length === 0) return { kind: 'error', message: 'no command to run: put it after --, e.g. -- node app.js' };
  return { kind: 'launch', overrides, command };
}

/** NODE_OPTIONS with the entry required once: kept as it is when it already requires this entry. */
export function withEntry(nodeOptions: string | undefined, entry: string): string {
  const current = nodeOptions ?? '';
  if (current.includes(entry)) return current;
  const quoted = /\s/.test(entry) ? `"${entry}"` : entry;
  return `${current}${current === '' || current.endsWith(' ') ? '' : ' '}--require ${quoted}`;
}
