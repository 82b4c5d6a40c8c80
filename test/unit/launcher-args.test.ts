/** The launcher's command line (src/launcher/launcher-args.ts) and the settings it knows (src/config/setting-names.ts). */
import { describe, expect, it } from 'vitest';
import { flagOf, parseLauncherArgs, usage, withEntry } from '../../src/launcher/launcher-args';
import { settingNames } from '../../src/config/setting-names';

const variables = settingNames();

describe('settingNames', () => {
  it('lists what the configuration reads, the standard and our own, including those read only in some cases', () => {
    for (const name of ['OTEL_TRACES_EXPORTER', 'OTEL_SERVICE_NAME', 'OTEL_TRACES_SAMPLER_ARG', 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', 'OTEL_EXPORTER_OTLP_CERTIFICATE', 'CUSTOM_OTEL_SPAN_NAME_RULES', 'CUSTOM_OTEL_EXCLUDE_COMMANDS']) {
      expect(variables).toContain(name);
    }
  });

  it('gives every variable its own flag (no OTEL_X next to a CUSTOM_OTEL_X)', () => {
    const flags = variables.map(flagOf);
    expect(new Set(flags).size).toBe(flags.length);
  });
});

describe('parseLauncherArgs', () => {
  it('maps flags to variables, in both --flag value and --flag=value forms, - for _, and keeps the command whole', () => {
    expect(parseLauncherArgs(['--traces_exporter', 'console', '--metrics-exporter=none', '--service_name', 'shop', '--span_name_rules=GET /u/:id', '--', 'node', 'app.js', '--port', '1'], variables)).toEqual({
      kind: 'launch',
      overrides: { OTEL_TRACES_EXPORTER: 'console', OTEL_METRICS_EXPORTER: 'none', OTEL_SERVICE_NAME: 'shop', CUSTOM_OTEL_SPAN_NAME_RULES: 'GET /u/:id' },
      command: ['node', 'app.js', '--port', '1'],
    });
  });

  it('starts the command at the first word that is not a flag when there is no --', () => {
    expect(parseLauncherArgs(['node', 'app.js', '--inspect'], variables)).toEqual({ kind: 'launch', overrides: {}, command: ['node', 'app.js', '--inspect'] });
  });

  it('refuses an unknown flag, naming it and listing the valid ones', () => {
    const parsed = parseLauncherArgs(['--trace_exporter', 'console', '--', 'node', 'app.js'], variables);
    expect(parsed.kind).toBe('error');
    const message = (parsed as { message: string }).message;
    expect(message).toContain('unknown option --trace_exporter');
    expect(message).toContain('--traces_exporter');
    expect(message).toContain('--span_name_rules');
  });

  it('refuses a flag without a value and a missing command', () => {
    expect(parseLauncherArgs(['--service_name', '--', 'node'], variables)).toEqual({ kind: 'error', message: '--service_name needs a value (it sets OTEL_SERVICE_NAME)' });
    expect(parseLauncherArgs(['--service_name', 'x'], variables)).toMatchObject({ kind: 'error', message: expect.stringContaining('no command') });
    expect(parseLauncherArgs(['--help'], variables)).toEqual({ kind: 'help' });
    expect(usage(variables)).toContain('--traces_exporter');
  });
});

describe('withEntry', () => {
  it('appends the --require to NODE_OPTIONS once, quoting a path with spaces', () => {
    expect(withEntry(undefined, '/t/autoinstrumentation.js')).toBe('--require /t/autoinstrumentation.js');
    expect(withEntry('--max-old-space-size=100', '/t/autoinstrumentation.js')).toBe('--max-old-space-size=100 --require /t/autoinstrumentation.js');
    expect(withEntry(' --require /t/autoinstrumentation.js', '/t/autoinstrumentation.js')).toBe(' --require /t/autoinstrumentation.js');
    expect(withEntry('', '/my tree/autoinstrumentation.js')).toBe('--require "/my tree/autoinstrumentation.js"');
  });
});
