/**
 * parseConfig over 10,000 random environments: it never throws, always
 * returns a well-typed configuration, and warns at most once per variable
 * that was set, each warning naming that variable and showing its value.
 * The seed is printed on failure; UNIT_TEST_SEED=<seed> replays a run.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig, type ParsedConfig } from '../../src/config/config';
import { seededRandom, testSeed } from './support/seeded-random';
import { randomValue } from './support/random-env-values';
import { configProblems } from './support/config-shape';
import { PARSED_VARIABLES, variablesReadByParseConfig } from './support/config-variables';

const ENVIRONMENTS = 10_000;
const VARIABLES = PARSED_VARIABLES;

describe('the fuzzed variables', () => {
  it('are exactly those parseConfig reads: every variable it reads has a settings row, and every row it should read is read', () => {
    expect(VARIABLES.length).toBeGreaterThan(20);
    expect(variablesReadByParseConfig()).toEqual([...VARIABLES].sort());
  });

  it('include the per-signal OTLP variables built at run time', () => {
    for (const signal of ['TRACES', 'METRICS', 'LOGS']) {
      for (const setting of ['ENDPOINT', 'PROTOCOL', 'HEADERS', 'TIMEOUT', 'COMPRESSION']) expect(VARIABLES).toContain(`OTEL_EXPORTER_OTLP_${signal}_${setting}`);
    }
    expect(VARIABLES).toContain('OTEL_TRACES_SAMPLER_ARG');
  });
});

describe('parseConfig over random environments', () => {
  it(`never throws, returns a well-typed config and at most one warning per variable set (${ENVIRONMENTS} environments)`, () => {
    const seed = testSeed();
    const random = seededRandom(seed);
    const started = performance.now();
    for (let run = 0; run < ENVIRONMENTS; run++) {
      const env: Record<string, string> = {};
      // Mostly a few variables, sometimes nearly all of them.
      const density = random() < 0.9 ? 0.15 : 0.9;
      for (const name of VARIABLES) if (random() < density) env[name] = randomValue(random);

      const failure = (what: string) => `seed ${seed} (UNIT_TEST_SEED=${seed}), environment #${run}: ${what}\nenvironment: ${describeEnv(env)}`;
      let parsed: ParsedConfig;
      try {
        parsed = parseConfig(env);
      } catch (error) {
        expect.fail(failure(`parseConfig threw ${error instanceof Error ? error.stack : String(error)}`));
      }
      const problems = configProblems(parsed.config);
      if (problems.length > 0) expect.fail(failure(`ill-typed config: ${problems.join('; ')}`));

      const set = Object.keys(env).filter((name) => env[name]!.trim() !== '');
      if (parsed.warnings.length > set.length) expect.fail(failure(`${parsed.warnings.length} warnings for ${set.length} variables set`));
      const warned = new Set<string>();
      for (const warning of parsed.warnings) {
        const problem = warningProblem(warning, env, warned);
        if (problem) expect.fail(failure(`${problem}\nwarning: ${warning.slice(0, 500)}`));
      }
    }
    const elapsedMs = performance.now() - started;
    console.info(`config fuzz: ${ENVIRONMENTS} environments in ${Math.round(elapsedMs)} ms (seed ${seed})`);
  }, 60_000);
});

/** A warning must start `NAME="<value, maybe shortened>" is invalid (`, for a variable set, once per variable. */
function warningProblem(warning: string, env: Record<string, string>, warned: Set<string>): string | undefined {
  const eq = warning.indexOf('=');
  const name = eq > 0 ? warning.slice(0, eq) : '';
  if (!(name in env)) return `the warning does not start with the name of a variable that was set`;
  if (warned.has(name)) return `a second warning for ${name}`;
  warned.add(name);
  const quoted = /^"(?:[^"\\]|\\.)*"/.exec(warning.slice(eq + 1));
  if (!quoted) return `the warning does not show the value of ${name} as a JSON string`;
  const shown = JSON.parse(quoted[0]) as string;
  const value = env[name]!;
  const matches = shown === value || (shown.endsWith('...') && value.startsWith(shown.slice(0, -3)) && value.length > shown.length - 3);
  if (!matches) return `the warning shows ${quoted[0].slice(0, 200)}, not the value of ${name}`;
  const rest = warning.slice(eq + 1 + quoted[0].length);
  if (!rest.startsWith(' is invalid (') || !/; using .+ instead$/s.test(rest)) return 'the warning does not say what is used instead';
  return undefined;
}

function describeEnv(env: Record<string, string>): string {
  return JSON.stringify(Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v.length > 80 ? `${v.slice(0, 80)}... (${v.length} chars)` : v])));
}
