// Prints, as JSON, the modules each instrumentation package of a dependency
// set patches: {"express": ["express"], "undici": []}, or null where the
// package could not be asked. Run by bundle.mjs in a child process, so what
// the instrumentations do when constructed stays out of the bundler.
// Usage: node instrumentation-modules.cjs <dir holding node_modules> <package>...
const { createRequire } = require('node:module');
const { join } = require('node:path');

const [depsDir, ...packages] = process.argv.slice(2);
const requireFromDeps = createRequire(join(depsDir, 'node_modules', '@opentelemetry', 'auto-instrumentations-node', 'package.json'));
const result = {};
for (const pkg of packages) {
  try {
    const exports = requireFromDeps(pkg);
    const key = Object.keys(exports).find((k) => k.endsWith('Instrumentation') && typeof exports[k] === 'function');
    const instrumentation = new exports[key]({ enabled: false });
    const definitions = typeof instrumentation.getModuleDefinitions === 'function' ? instrumentation.getModuleDefinitions() : instrumentation._modules;
    result[pkg] = [...new Set((definitions || []).map((d) => d.name))];
  } catch {
    result[pkg] = null;
  }
}
process.stdout.write(JSON.stringify(result));
