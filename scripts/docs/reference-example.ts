/**
 * The example spans of docs/reference.md, made for real: the staged tree of
 * the host's Node major under --require (as the operator loads it), the
 * fixture Express app, a real OTLP/gRPC receiver on 127.0.0.1, two requests.
 * Prints the spans as the collector's debug exporter would, and the metric
 * names received.
 *
 *   npx tsx scripts/docs/reference-example.ts
 */
import { join } from 'node:path';
import { stageMajor } from '../stage';
import { REPO_ROOT } from '../repository';
import { OtlpReceiver } from '../../test/support/otlp-receiver';
import { get, operatorEnv, startApp } from '../../test/support/app-process';
import { debugExporterText } from './debug-exporter-text';

async function main(): Promise<void> {
  const major = Number(process.versions.node.split('.')[0]);
  const tree = join(REPO_ROOT, '.stage', 'docs', `node${major}`);
  await stageMajor({ major, outDir: tree, runtimeDir: join(process.execPath, '..', '..') });
  const receiver = await OtlpReceiver.start();
  const env = operatorEnv(join(tree, 'autoinstrumentation.js'), receiver.grpcUrl, {
    OTEL_SERVICE_NAME: 'orders',
    CUSTOM_OTEL_SPAN_ATTRIBUTES: 'team=payments',
    OTEL_METRIC_EXPORT_INTERVAL: '1000',
    FIXTURE_LOGGER: 'none',
  });
  const app = await startApp(join(REPO_ROOT, 'test/fixtures/express-app/server.cjs'), env);
  try {
    await get(app.port, '/slow?ms=150&token=abc123');
    await get(app.port, '/error');
    const spans = await receiver.waitForSpans((all) => all.filter((s) => s.kind === 'SERVER').length >= 2, 20_000, 'two server spans');
    await receiver.waitFor(() => receiver.metricNames.has('custom.http.server.requests'), 20_000, 'the request metrics');
    for (const span of spans.filter((s) => s.kind === 'SERVER')) console.log(`${debugExporterText(span)}\n`);
    console.log(`metrics received: ${[...receiver.metricNames].sort().join(', ')}`);
    console.log(`stderr of the app:\n${app.stderr()}`);
  } finally {
    await app.stop();
    await receiver.close();
  }
}

main().catch((error: Error) => {
  console.error(error.stack ?? error.message);
  process.exitCode = 1;
});
