#!/usr/bin/env bash
# The whole test suite: strict typecheck, lint, then jest on SQLite and, with TEST_POSTGRES=true,
# again on PostgreSQL: the server that DATABASE_HOST/PORT/USERNAME/PASSWORD name or, without
# DATABASE_HOST, a throwaway PostgreSQL from npm started for the run (scripts/with-postgres.mjs).
# Ends with the line "N passed, N failed, N skipped" (both runs together) and exits non-zero on
# any failure and, with TEST_REQUIRE_ALL=true (CI), on any skipped test.
set -euo pipefail
cd "$(dirname "$0")/.."
export STRAPI_TELEMETRY_DISABLED=true

echo "== reactions plugin build"
# The app loads the plugin from its dist/ (npm ci builds it too; this keeps it in step with its source).
npm run build --silent --workspace src/plugins/reactions >/dev/null
echo "== typecheck"
npx tsc -p tsconfig.json --noEmit
npx tsc -p tsconfig.test.json
npx tsc -p src/plugins/reactions/server/tsconfig.json --noEmit
npx tsc -p src/plugins/reactions/admin/tsconfig.json --noEmit
echo "== lint"
npx eslint .

mkdir -p tests/artifacts
rm -f tests/artifacts/other-database-*.txt tests/artifacts/passed-*.txt
passed=0
failed=0
skipped=0
# run_jest LABEL COMMAND-PREFIX... [-- JEST-ARGS...]: jest with its JSON report in tests/artifacts/jest-LABEL.json.
run_jest() {
  local label="$1"
  shift
  local prefix=() extra=()
  while [ "$#" -gt 0 ] && [ "$1" != "--" ]; do prefix+=("$1"); shift; done
  if [ "$#" -gt 0 ]; then shift; extra=("$@"); fi
  set -- "${prefix[@]}"
  local report="tests/artifacts/jest-${label}.json"
  rm -f "$report"
  echo "== jest on ${label}"
  local started=$SECONDS status=0
  # --forceExit, as Strapi's testing guide runs jest: a handle left open by a failed teardown must
  # not hold the run (and CI) forever; such a failure is still reported by its test file.
  "$@" npx jest --runInBand --forceExit --json --outputFile="$report" ${extra[@]+"${extra[@]}"} || status=$?
  echo "jest on ${label}: $((SECONDS - started)) s"
  # "passed failed skipped"; skipped tests are listed by name, with the reason their group gives.
  local counts="0 1 0" p f s
  if [ -f "$report" ]; then
    # Tests of a group that belongs to the other database (describeOn) are not counted here: they
    # are listed in tests/artifacts/other-database-LABEL.txt and checked against the other run below.
    counts="$(node -e '
      const fs = require("fs");
      const r = require(require("path").resolve(process.argv[1]));
      const label = process.argv[2];
      const other = [];
      const ran = [];
      let skipped = 0;
      for (const file of r.testResults)
        for (const test of file.assertionResults) {
          if (test.status === "passed") ran.push(test.fullName);
          if (test.status !== "pending" && test.status !== "todo") continue;
          if (test.fullName.includes(" skipped (other database)")) other.push(test.fullName.replace(" skipped (other database)", ""));
          else {
            skipped += 1;
            console.error(`skipped (${label}): ${test.fullName}`);
          }
        }
      fs.writeFileSync(`tests/artifacts/other-database-${label}.txt`, other.join("\n"));
      fs.writeFileSync(`tests/artifacts/passed-${label}.txt`, ran.join("\n"));
      console.log(r.numPassedTests, r.numFailedTests + r.numRuntimeErrorTestSuites, skipped);
    ' "$report" "$label")" || counts="0 1 0"
  else
    echo "jest on ${label} wrote no report (${report}): counted as a failure."
  fi
  read -r p f s <<<"$counts"
  # A run that failed without a failed test (setup, crash, open handles) still counts as one.
  if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  passed=$((passed + p))
  failed=$((failed + f))
  skipped=$((skipped + s))
}

run_jest sqlite env DATABASE_CLIENT=sqlite
if [ "${TEST_POSTGRES:-false}" = "true" ]; then
  # The admin panel and demo page browser tests drive the UI over API paths this run covers
  # directly, so they run once, on SQLite (about 80 s less CI). The live and claim bar tests and the
  # analytics page (dialect SQL) run on both. TEST_UI_ON_POSTGRES=true runs everything here too.
  ui_once=()
  [ "${TEST_UI_ON_POSTGRES:-false}" = "true" ] || ui_once=(-- --testPathIgnorePatterns /node_modules/ /dist/ '/tests/(admin-panel|demo-page)\.test\.ts$')
  run_jest postgres env DATABASE_CLIENT=postgres node scripts/with-postgres.mjs ${ui_once[@]+"${ui_once[@]}"}
fi

# A test skipped on one database because it belongs to the other must have passed on the other
# run; one that never ran anywhere (no PostgreSQL run, say) counts as skipped.
on_one_database="$(node -e '
  const fs = require("fs");
  const read = (file) => (fs.existsSync(file) ? fs.readFileSync(file, "utf8").split("\n").filter(Boolean) : []);
  const labels = process.argv.slice(1);
  const passed = new Set(labels.flatMap((label) => read(`tests/artifacts/passed-${label}.txt`)));
  let covered = 0;
  let missing = 0;
  for (const label of labels)
    for (const name of read(`tests/artifacts/other-database-${label}.txt`)) {
      if (passed.has(name)) covered += 1;
      else {
        missing += 1;
        console.error(`skipped (${label}; its database never ran): ${name}`);
      }
    }
  console.log(covered, missing);
' sqlite postgres)"
read -r covered never_ran <<<"$on_one_database"
skipped=$((skipped + never_ran))

status=0
[ "$failed" -eq 0 ] || status=1
if [ "$skipped" -gt 0 ] && [ "${TEST_REQUIRE_ALL:-false}" = "true" ]; then
  echo "TEST_REQUIRE_ALL=true: ${skipped} skipped test(s) count as a failure (see the skipped lines above)."
  status=1
fi
echo "${covered} test(s) of one database were reported skipped on the other and passed on theirs."
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
exit "$status"
