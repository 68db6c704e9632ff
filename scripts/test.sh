#!/usr/bin/env bash
# The whole test suite: strict typecheck, lint, then jest on SQLite and, with TEST_POSTGRES=true,
# again on PostgreSQL (DATABASE_HOST/PORT/USERNAME/PASSWORD name the server; see README).
set -euo pipefail
cd "$(dirname "$0")/.."
export STRAPI_TELEMETRY_DISABLED=true

echo "== typecheck"
npx tsc -p tsconfig.json --noEmit
npx tsc -p tsconfig.test.json
npx tsc -p src/admin/tsconfig.json --noEmit
echo "== lint"
npx eslint .

mkdir -p tests/artifacts
passed=0
failed=0
run_jest() {
  local label="$1"
  shift
  echo "== jest on ${label}"
  local status=0
  env "$@" npx jest --runInBand --json --outputFile="tests/artifacts/jest-${label}.json" || status=$?
  local counts
  counts="$(node -e "const r=require('./tests/artifacts/jest-${label}.json');console.log(r.numPassedTests+' '+(r.numFailedTests+r.numRuntimeErrorTestSuites))" 2>/dev/null || echo "0 1")"
  passed=$((passed + ${counts% *}))
  failed=$((failed + ${counts#* }))
  if [ "$status" -ne 0 ] && [ "${counts#* }" = "0" ]; then failed=$((failed + 1)); fi
}

run_jest sqlite DATABASE_CLIENT=sqlite
if [ "${TEST_POSTGRES:-false}" = "true" ]; then
  run_jest postgres DATABASE_CLIENT=postgres
fi

echo "${passed} passed, ${failed} failed"
[ "$failed" -eq 0 ]
