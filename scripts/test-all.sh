#!/usr/bin/env bash
# The whole suite, one project after another (timing-sensitive suites must not
# share the 2 cores with image builds), then one closing line with the totals.
set -uo pipefail
cd "$(dirname "$0")/.."
# What the suite needs, made first when missing (each step is idempotent and
# quick when nothing is missing; a step that cannot do its part says what is missing).
[ -x node_modules/.bin/vitest ] || npm ci --no-audit --no-fund
bash scripts/setup.sh || { echo "npm test: the set-up failed (above): the tests need it"; exit 1; }
results=.test-results
rm -rf "$results" && mkdir -p "$results"
status=0
npx tsc --noEmit -p . || { echo "typecheck failed"; status=1; }
for project in ${TEST_PROJECTS:-unit integration matrix corpus e2e reliability node cluster}; do
  echo "=== vitest project: $project"
  npx vitest run --project "$project" --reporter=default --reporter=json --outputFile="$results/$project.json" || status=1
done
node -e '
  const fs = require("fs");
  let passed = 0, failed = 0, skipped = 0;
  for (const file of fs.readdirSync(process.argv[1])) {
    const r = JSON.parse(fs.readFileSync(`${process.argv[1]}/${file}`, "utf8"));
    passed += r.numPassedTests; failed += r.numFailedTests; skipped += r.numPendingTests + r.numTodoTests;
  }
  console.log(`total: ${passed} passed, ${failed} failed, ${skipped} skipped`);
' "$results"
exit $status
