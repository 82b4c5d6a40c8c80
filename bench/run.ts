/**
 * npm run bench -- [--majors 20,24] [--quick] [--output FILE]
 *
 * Benchmarks our distribution against bare Node and the upstream register
 * for each major: start-up, throughput/latency, the image's tree and the span
 * pipeline. Prints the Markdown report and writes it to bench/RESULTS.md.
 * Progress goes to stderr. Exits 1 when a major could not be benchmarked
 * (its section then says why), 2 on a bad command line.
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describeMachine, loadAverage } from './machine';
import { parseBenchArgs, USAGE, type BenchOptions } from './options';
import { renderReport, type ReportInput } from './report';
import { revision } from './revision';
import { runMajor } from './run-major';

async function main(argv: string[]): Promise<number> {
  let options: BenchOptions;
  try {
    options = parseBenchArgs(argv);
  } catch (error) {
    process.stderr.write(`bench: ${(error as Error).message}\n`);
    return 2;
  }
  const started = Date.now();
  const log = (line: string) => process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}\n`);
  const output = options.output ? resolve(options.output) : join(__dirname, 'RESULTS.md');
  const source = revision();
  const loadBefore = loadAverage();
  const majors: ReportInput['majors'] = [];
  for (const major of options.majors) {
    try {
      majors.push({ major, result: await runMajor(major, options.profile, log) });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      log(`node${major} FAILED: ${message}`);
      majors.push({ major, error: message });
    }
  }
  const report = renderReport({
    command: ['npm run bench', ...(argv.length ? ['--', ...argv] : [])].join(' '),
    date: new Date(),
    revision: source,
    machine: describeMachine(),
    profile: options.profile,
    loadBefore,
    loadAfter: loadAverage(),
    seconds: (Date.now() - started) / 1000,
    majors,
  });
  process.stdout.write(report);
  writeFileSync(output, report);
  log(`report written to ${output}`);
  return majors.some((entry) => entry.error !== undefined) ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: Error) => {
    process.stderr.write(`bench: ${error.stack ?? error.message}\n${USAGE}\n`);
    process.exitCode = 1;
  },
);
