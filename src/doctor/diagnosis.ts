/**
 * The doctor's verdict as a pure function of what it found: the tree, the
 * running Node, the environment, the app's command (pid 1 in a pod), the
 * instrumentations in the tree and the result of a test export. The same
 * decision functions as the entry and the distribution make each call.
 */
import type { BuildInfo } from '../build-info';
import { parseConfig, type DistributionConfig } from '../config/config';
import { loadConfig, type Provenance } from '../config/config-source';
import type { Env } from '../config/env-reader';
import { checkNodeVersion } from '../entry/version-guard';
import { commandName, DEFAULT_EXCLUDE_COMMANDS, EXCLUDE_COMMANDS_VARIABLE, isExcludedCommand } from '../entry/process-filter';
import { selectInstrumentations } from '../instrumentations/selection';
import { resourceAttributes } from '../resource';
import { entryState, type EntryState } from './node-options';
import type { ProbeResult } from './export-probe';

export interface DoctorFacts {
  build: BuildInfo;
  treeDir: string;
  nodeVersion: string;
  env: Env;
  /** The app's command line when known (pid 1 of the container), argv[0] first. */
  appArgv?: string[];
  /** Every instrumentation this tree holds. */
  instrumentationNames: string[];
  /** The test export, when traces go over OTLP. */
  probe?: ProbeResult;
  /** Reads OTEL_CONFIG_FILE when set (default: the file system). */
  readFile?: (path: string) => string;
}

export type CheckStatus = 'ok' | 'warn' | 'fail' | 'info';
export interface Check {
  status: CheckStatus;
  topic: 'node' | 'node_options' | 'start' | 'config' | 'warning' | 'instrumentations' | 'endpoint';
  text: string;
}

export interface DoctorReport {
  /** True only when telemetry would flow. */
  ok: boolean;
  tree: { image: string; version: string; major: number; nodeRange: string; sdkLine: string; dir: string };
  node: { version: string; supported: boolean };
  nodeOptions: { value: string | undefined; entry: EntryState; entries: string[] };
  app: { argv?: string[]; excluded: boolean };
  serviceName: string;
  config: DistributionConfig;
  /** Where each setting came from (file, environment, default), by the name of its row. */
  provenance: Record<string, Provenance>;
  /** The configuration file read, when OTEL_CONFIG_FILE is set and usable. */
  configFile?: { path: string; format: string };
  warnings: string[];
  instrumentations: { active: string[]; off: string[] };
  endpoint?: { url: string; protocol: string } & ProbeResult;
  checks: Check[];
  problems: string[];
}

const NODE_RUNTIMES = ['node', 'nodejs'];
/** Excluded by default because they start the app as a child process, which is instrumented. */
const RUNNERS = ['npm', 'npx', 'yarn', 'pnpm', 'pnpx', 'corepack', 'nodemon'];

/** The script of a node command line: the first argument after the runtime that is not an option. */
function scriptOf(argv: readonly string[]): string | undefined {
  return argv.slice(1).find((arg) => !arg.startsWith('-'));
}

export function diagnose(facts: DoctorFacts): DoctorReport {
  const checks: Check[] = [];
  const problems: string[] = [];
  const add = (status: CheckStatus, topic: Check['topic'], text: string) => {
    checks.push({ status, topic, text });
    if (status === 'fail') problems.push(text);
  };
  const { build, env } = facts;
  const loaded = loadConfig(env, facts.readFile);
  // An unusable file starts nothing: what the entry would do is what is shown.
  const { config, warnings, provenance } = loaded.ok ? loaded : { ...parseConfig(NOTHING_STARTS), provenance: {} };

  const guard = checkNodeVersion(facts.nodeVersion, build.imageName, build.major, build.nodeRange, build.images);
  add(guard.supported ? 'ok' : 'fail', 'node', guard.supported ? `Node ${facts.nodeVersion} is within the tree's range ${build.nodeRange}` : guard.message!);

  const nodeOptions = entryState(env.NODE_OPTIONS, facts.treeDir);
  if (nodeOptions.state === 'this-tree') add('ok', 'node_options', `NODE_OPTIONS requires this tree's autoinstrumentation.js`);
  else if (nodeOptions.state === 'other-tree') add('warn', 'node_options', `NODE_OPTIONS requires ${nodeOptions.entries.join(', ')}, not this tree's ${facts.treeDir}/autoinstrumentation.js: that tree decides`);
  else add('fail', 'node_options', `NODE_OPTIONS does not require autoinstrumentation.js (NODE_OPTIONS=${JSON.stringify(env.NODE_OPTIONS ?? '')}): Node starts the app uninstrumented; is the pod annotated with instrumentation.opentelemetry.io/inject-nodejs?`);

  const isNode = facts.appArgv !== undefined && NODE_RUNTIMES.includes(commandName(facts.appArgv[0]) ?? '');
  const script = isNode ? scriptOf(facts.appArgv!) : undefined;
  const excludeSetting = env[EXCLUDE_COMMANDS_VARIABLE];
  const excluded = script !== undefined && isExcludedCommand(script, excludeSetting);
  const appText = isNode ? `the app (pid 1: ${facts.appArgv!.join(' ').slice(0, 120)})` : 'the app (its command is unknown here: pid 1 is not a node process)';
  if (!loaded.ok) add('fail', 'start', loaded.line);
  else if (config.sdkDisabled) add('fail', 'start', `OTEL_SDK_DISABLED=true: the entry loads but starts nothing`);
  else if (excluded && RUNNERS.includes(commandName(script)!)) {
    // `npm start` as pid 1: npm itself is skipped, the node process it starts for the app is instrumented.
    add('info', 'start', `pid 1 is ${commandName(script)} (${facts.appArgv!.join(' ').slice(0, 120)}), which is not instrumented itself; the app's node process it starts would be`);
  } else if (excluded) add('fail', 'start', `${appText} is not instrumented: its command "${commandName(script)}" is in ${EXCLUDE_COMMANDS_VARIABLE} (${excludeSetting?.trim() ? excludeSetting.trim() : `default ${DEFAULT_EXCLUDE_COMMANDS.join(',')}`})`);
  else if (guard.supported && nodeOptions.state !== 'missing') add('ok', 'start', `would start in ${appText}`);

  const serviceName = resourceAttributes(config, 'node')['service.name']!;
  const traces = config.traces.exporter === 'otlp' ? `otlp ${config.traces.otlp.protocol} ${config.traces.otlp.url}` : config.traces.exporter;
  add(
    'info',
    'config',
    `service ${JSON.stringify(serviceName)}; traces ${traces}; metrics ${config.metrics.exporters.join('+') || 'none'} every ${config.metrics.exportIntervalMs / 1000} s; ` +
      `logs ${config.logs.exporter}; sampler ${config.sampler.name}${config.sampler.name.endsWith('traceidratio') ? ` ${config.sampler.ratio}` : ''}; propagators ${config.propagators.join(',')}`,
  );
  if (loaded.ok) add('info', 'config', provenanceLine(provenance, loaded.file?.path));
  for (const warning of warnings) add('warn', 'warning', warning);

  const { selected, unknown } = selectInstrumentations(facts.instrumentationNames, config.instrumentations);
  const off = facts.instrumentationNames.filter((name) => !selected.includes(name));
  add('info', 'instrumentations', `${selected.length} active when their module loads: ${selected.join(', ')}${off.length ? ` (off: ${off.join(', ')})` : ''}`);
  if (unknown.length) add('warn', 'warning', `unknown instrumentation name(s) ${unknown.join(', ')} in OTEL_NODE_ENABLED_INSTRUMENTATIONS/OTEL_NODE_DISABLED_INSTRUMENTATIONS or the configuration file are ignored`);

  let endpoint: DoctorReport['endpoint'];
  if (config.traces.exporter === 'otlp') {
    const target = config.traces.otlp;
    const where = `OTLP endpoint ${target.url} (${target.protocol})`;
    if (facts.probe === undefined) add('fail', 'endpoint', `${where} was not checked`);
    else {
      endpoint = { url: target.url, protocol: target.protocol, ...facts.probe };
      if (facts.probe.ok) add('ok', 'endpoint', `${where} accepted a test span in ${facts.probe.ms} ms`);
      else add('fail', 'endpoint', `${where} did not accept a test span after ${facts.probe.ms} ms: ${tidy(facts.probe.error)}`);
    }
  } else if (config.traces.exporter === 'console') {
    add('info', 'endpoint', "traces are written to the app's stdout (OTEL_TRACES_EXPORTER=console); no endpoint to check");
  } else if (config.metrics.exporters.length === 0 && config.logs.exporter === 'none') {
    add('fail', 'endpoint', 'nothing is exported: OTEL_TRACES_EXPORTER, OTEL_METRICS_EXPORTER and OTEL_LOGS_EXPORTER are all none');
  } else {
    add('info', 'endpoint', 'traces are not exported (OTEL_TRACES_EXPORTER=none); the endpoint was not checked');
  }

  return {
    ok: problems.length === 0,
    tree: { image: build.imageName, version: build.distributionVersion, major: build.major, nodeRange: build.nodeRange, sdkLine: build.sdkLine, dir: facts.treeDir },
    node: { version: facts.nodeVersion, supported: guard.supported },
    nodeOptions: { value: env.NODE_OPTIONS, entry: nodeOptions.state, entries: nodeOptions.entries },
    app: { ...(facts.appArgv ? { argv: facts.appArgv } : {}), excluded },
    serviceName,
    config,
    provenance,
    ...(loaded.ok && loaded.file ? { configFile: loaded.file } : {}),
    warnings,
    instrumentations: { active: selected, off },
    ...(endpoint ? { endpoint } : {}),
    checks,
    problems,
  };
}

const NOTHING_STARTS = { OTEL_TRACES_EXPORTER: 'none', OTEL_METRICS_EXPORTER: 'none', OTEL_LOGS_EXPORTER: 'none' };

/** The settings not left at their defaults, by where they came from. */
export function provenanceLine(provenance: Record<string, Provenance>, file: string | undefined): string {
  const from = (source: Provenance) => Object.keys(provenance).filter((name) => provenance[name] === source);
  const parts: string[] = [];
  if (file !== undefined) parts.push(`from the file ${file}: ${from('file').join(', ') || 'nothing'}`);
  parts.push(`from the environment: ${from('environment').join(', ') || 'nothing'}`);
  parts.push(`the other ${from('default').length} settings at their defaults`);
  return `settings ${parts.join('; ')}`;
}

/** gRPC errors end in an empty "Resolution note:"; one line is enough. */
function tidy(error: string | undefined): string {
  return (error ?? 'unknown error').replace(/\s+/g, ' ').replace(/\s*Resolution note:\s*$/, '').trim();
}

const MARK: Record<CheckStatus, string> = { ok: 'ok  ', warn: 'WARN', fail: 'FAIL', info: '    ' };

export function renderReport(report: DoctorReport): string {
  const { tree } = report;
  const lines = [`custom-otel doctor: ${tree.image} ${tree.version}, node${tree.major} tree (Node ${tree.nodeRange}, SDK ${tree.sdkLine}) at ${tree.dir}`];
  for (const check of report.checks) lines.push(`${MARK[check.status]}  ${check.text}`);
  lines.push(
    report.ok
      ? '=> telemetry would flow'
      : `=> telemetry would NOT flow (${report.problems.length} problem${report.problems.length === 1 ? '' : 's'} marked FAIL)`,
  );
  return lines.join('\n');
}
