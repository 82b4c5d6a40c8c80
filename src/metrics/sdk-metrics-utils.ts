/**
 * The metrics SDK's utils module (build/src/utils.js on the 1.x and 2.x
 * lines, dist/utils.cjs on 3.x, which its exports map hides), beside its
 * entry point as `from` resolves it. The bundler replaces this module with a
 * static require of that file in the line it builds, the same module the SDK
 * itself loads.
 */
import { dirname, extname, join } from 'node:path';

export function loadMetricsUtils(from: NodeJS.Require = require): unknown {
  try {
    const main = from.resolve('@opentelemetry/sdk-metrics');
    return from(join(dirname(main), `utils${extname(main)}`));
  } catch {
    return undefined;
  }
}
