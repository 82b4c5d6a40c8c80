import { describe, expect, it } from 'vitest';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { LiveControls } from '../../src/opamp/live-controls';
import { InstrumentationSwitches } from '../../src/opamp/instrumentation-switches';
import { gatedExporter, gatedSpanProcessor, openGates } from '../../src/opamp/signal-gates';
import { HealthPaths } from '../../src/sampler/health-paths';
import type { SamplingPolicy } from '../../src/sampler/sampling-decision';
import type { LogLevel } from '../../src/settings';

/** An instrumentation that records what was asked of it. */
function fakeInstrumentation(calls: string[], name: string): Instrumentation {
  return { enable: () => calls.push(`enable ${name}`), disable: () => calls.push(`disable ${name}`) } as unknown as Instrumentation;
}

function setUp() {
  const policy: SamplingPolicy = {
    healthPaths: new HealthPaths([]),
    parentBased: true,
    rootRatio: 1,
    rootByProbability: false,
    followParent: { sampled: true, notSampled: false },
    rules: [],
  };
  const levels: LogLevel[] = [];
  const calls: string[] = [];
  const switches = new InstrumentationSwitches();
  const gates = openGates();
  const controls = new LiveControls({ policy, logLevel: 'info', setLogLevel: (level) => levels.push(level), instrumentations: switches, gates });
  return { policy, levels, calls, switches, gates, controls };
}

describe('live controls', () => {
  it('a sampling rate makes the root ratio a probability; its absence restores the start-up sampler', () => {
    const { policy, controls } = setUp();
    controls.apply({ samplingRate: 0 });
    expect(policy).toMatchObject({ rootRatio: 0, rootByProbability: true, parentBased: true });
    controls.apply({});
    expect(policy).toMatchObject({ rootRatio: 1, rootByProbability: false });
  });

  it('sets the log level and the signal gates, and reports what is in force', () => {
    const { levels, gates, controls } = setUp();
    controls.apply({ loggingLevel: 'debug', sendTraces: false, sendLogs: false, samplingRate: 0.5 });
    expect(levels).toEqual(['debug']);
    expect(gates).toEqual({ traces: { open: false }, metrics: { open: true }, logs: { open: false } });
    expect(controls.effective()).toEqual({
      sampling_rate: 0.5,
      logging_level: 'debug',
      deactivate_instrumentations: '',
      deactivate_all_instrumentations: false,
      send_traces: false,
      send_metrics: true,
      send_logs: false,
    });
    controls.apply({});
    expect(levels).toEqual(['debug', 'info']);
    expect(gates.traces.open).toBe(true);
  });

  it('switches instrumentations off and on, including ones created later', () => {
    const { calls, switches, controls } = setUp();
    const http = fakeInstrumentation(calls, 'http');
    const pg = fakeInstrumentation(calls, 'pg');
    switches.remember('http', http);
    switches.registered(http);
    controls.apply({ deactivateInstrumentations: ['pg'] });
    expect(calls).toEqual([]);
    switches.remember('pg', pg);
    switches.registered(pg);
    expect(calls).toEqual(['disable pg']);
    controls.apply({ deactivateAllInstrumentations: true, deactivateInstrumentations: ['pg'] });
    expect(calls).toEqual(['disable pg', 'disable http']);
    controls.apply({});
    expect(calls).toEqual(['disable pg', 'disable http', 'enable http', 'enable pg']);
  });
});

describe('signal gates', () => {
  it('a closed gate drops ended spans and answers exports with success, unexported', () => {
    const gates = openGates();
    const ended: unknown[] = [];
    const processor = gatedSpanProcessor({ onStart: () => undefined, onEnd: (span) => ended.push(span), forceFlush: async () => undefined, shutdown: async () => undefined }, gates.traces);
    processor.onEnd('a' as never);
    gates.traces.open = false;
    processor.onEnd('b' as never);
    expect(ended).toEqual(['a']);

    const exported: unknown[] = [];
    const exporter = gatedExporter({ export: (items: unknown, done: (r: { code: number }) => void) => (exported.push(items), done({ code: 0 })), forceFlush: async () => undefined, shutdown: async () => undefined } as never, gates.metrics) as unknown as { export: (items: unknown, done: (r: { code: number }) => void) => void };
    const results: number[] = [];
    exporter.export('m1', (r) => results.push(r.code));
    gates.metrics.open = false;
    exporter.export('m2', (r) => results.push(r.code));
    expect(exported).toEqual(['m1']);
    expect(results).toEqual([0, 0]);
  });
});
