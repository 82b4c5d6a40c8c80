import { describe, expect, it } from 'vitest';
import { decideRemoteConfig, MAX_REMOTE_CONFIG_BYTES, REMOTE_CONFIG_KEY } from '../../src/opamp/remote-config';

const NAMES = ['http', 'express', 'pg'];
const offer = (body: unknown, contentType = 'application/json') => ({
  [REMOTE_CONFIG_KEY]: { body: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)), contentType },
});

describe('remote config decision', () => {
  it('reads every settable key, as JSON values or as strings', () => {
    expect(
      decideRemoteConfig(
        offer({ sampling_rate: 0.25, logging_level: 'debug', deactivate_instrumentations: 'pg, express', deactivate_all_instrumentations: false, send_traces: true, send_metrics: 'false', send_logs: 'TRUE' }),
        NAMES,
      ),
    ).toEqual({
      accepted: true,
      settings: { samplingRate: 0.25, loggingLevel: 'debug', deactivateInstrumentations: ['pg', 'express'], deactivateAllInstrumentations: false, sendTraces: true, sendMetrics: false, sendLogs: true },
    });
    expect(decideRemoteConfig(offer({ sampling_rate: '0', logging_level: 'warning' }), NAMES)).toEqual({ accepted: true, settings: { samplingRate: 0, loggingLevel: 'warn' } });
  });

  it('takes an absent file, absent keys and empty values as "back to the start-up value"', () => {
    expect(decideRemoteConfig({}, NAMES)).toEqual({ accepted: true, settings: {} });
    expect(decideRemoteConfig({ other: { body: Buffer.from('x'), contentType: 'text/plain' } }, NAMES)).toEqual({ accepted: true, settings: {} });
    expect(decideRemoteConfig(offer({ sampling_rate: '', send_traces: null }), NAMES)).toEqual({ accepted: true, settings: {} });
  });

  it('refuses the whole config when it names anything else, naming the keys', () => {
    for (const key of ['endpoint', 'otel_exporter_otlp_headers', 'require', '__proto__']) {
      const decision = decideRemoteConfig(offer(`{"sampling_rate":0.5,${JSON.stringify(key)}:"x"}`), NAMES);
      expect(decision.accepted).toBe(false);
      if (!decision.accepted) expect(decision.reason).toContain(JSON.stringify(key));
    }
  });

  it('refuses values out of range or of the wrong kind, naming the key', () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ sampling_rate: 1.5 }, 'sampling_rate'],
      [{ sampling_rate: -0.1 }, 'sampling_rate'],
      [{ sampling_rate: 'half' }, 'sampling_rate'],
      [{ logging_level: 'loud' }, 'logging_level'],
      [{ deactivate_instrumentations: 'http,nosuch' }, 'nosuch'],
      [{ deactivate_instrumentations: 3 }, 'deactivate_instrumentations'],
      [{ send_traces: 'yes' }, 'send_traces'],
    ];
    for (const [body, named] of cases) {
      const decision = decideRemoteConfig(offer(body), NAMES);
      expect(decision, JSON.stringify(body)).toMatchObject({ accepted: false });
      if (!decision.accepted) expect(decision.reason).toContain(named);
    }
  });

  it('refuses what is not a JSON object, another content type, and an oversized file', () => {
    expect(decideRemoteConfig(offer('{"sampling_rate":'), NAMES)).toMatchObject({ accepted: false });
    expect(decideRemoteConfig(offer('[1,2]'), NAMES)).toMatchObject({ accepted: false });
    expect(decideRemoteConfig(offer({ sampling_rate: 1 }, 'application/yaml'), NAMES)).toMatchObject({ accepted: false });
    expect(decideRemoteConfig(offer({ sampling_rate: 1 }, 'application/json; charset=utf-8'), NAMES)).toEqual({ accepted: true, settings: { samplingRate: 1 } });
    const big = `{"logging_level":"info"${' '.repeat(MAX_REMOTE_CONFIG_BYTES)}}`;
    expect(decideRemoteConfig(offer(big), NAMES)).toMatchObject({ accepted: false });
  });
});
