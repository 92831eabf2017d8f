#!/usr/bin/env bash
# JIMP's test command: restores, starts what the tests need, runs every test project and check,
# prints "N passed, M failed, K skipped", and exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")"
root=$(pwd)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

source scripts/lib.sh
# Wall time per phase, printed before the totals (seconds since the script started).
phase_times=""; phase_name="install"; phase_start=$SECONDS
phase() {
  phase_times+="${phase_name} $((SECONDS - phase_start)) s; "
  phase_name=$1; phase_start=$SECONDS
  echo "== $1"
}
ensure_npm_packages
dotnet tool restore >/dev/null
started_azurite=$(ensure_azurite_for_tests)
started_smtp=$(ensure_smtp4dev)
cleanup() {
  for pid in $started_azurite $started_smtp; do kill "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT

phase "build"
dotnet restore JIMP.sln --nologo -v q
dotnet build JIMP.sln --no-restore --nologo -v q -clp:NoSummary

if [ -x scripts/bicep-check.sh ] || [ -f scripts/bicep-check.sh ]; then
  phase "infrastructure (bicep build + lint)"
  BICEP_JSON=$(bash scripts/bicep-check.sh | tail -n 1)
  export BICEP_JSON
fi

phase "web (type check, build, unit tests)"
npm run --silent build:web
npm run --silent test:web

phase "tests (benchmarks at smoke size; ./bench.sh runs them at full size)"
results="$root/artifacts/test-results"
rm -rf "$results"
rm -f "$root"/artifacts/devhost-starts-*.txt
set +e
dotnet test JIMP.sln --no-build --nologo -v q \
  --logger "trx;LogFileName=jimp.trx" --logger "console;verbosity=normal" \
  --results-directory "$results" "$@"
status=$?
set -e

passed=0; failed=0; skipped=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  get() { echo "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
  total=$(get total); executed=$(get executed); p=$(get passed); f=$(get failed); e=$(get error); t=$(get timeout)
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0} + ${e:-0} + ${t:-0}))
  skipped=$((skipped + ${total:-0} - ${executed:-0}))
done
cat "$root"/artifacts/devhost-starts-*.txt 2>/dev/null || true
phase "browser tests (Chromium against the DevHost)"
set +e
# The web app and the DevHost were built above: run.sh does not build them again.
JIMP_BUILT=1 bash tests/browser/run.sh > "$root/artifacts/browser-tests.log" 2>&1
browser_status=$?
set -e
tail -n 40 "$root/artifacts/browser-tests.log"
# node's test runner closes with "# pass N" and "# fail M".
bp=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$root/artifacts/browser-tests.log" | tail -n 1)
bf=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$root/artifacts/browser-tests.log" | tail -n 1)
bs=$(sed -n 's/^# skipped \([0-9]*\)$/\1/p' "$root/artifacts/browser-tests.log" | tail -n 1)
passed=$((passed + ${bp:-0})); failed=$((failed + ${bf:-0})); skipped=$((skipped + ${bs:-0}))
if [ "$browser_status" -ne 0 ]; then
  [ "${bf:-0}" -gt 0 ] || failed=$((failed + 1))
  status=1
fi

# The failures again, last, so that a log cut to its tail still names them.
if [ "$failed" -gt 0 ]; then
  echo "== failures"
  for trx in "$results"/*.trx; do
    [ -f "$trx" ] || continue
    if command -v python3 >/dev/null; then
      python3 scripts/trx-failures.py "$trx"
    else
      grep -o '<UnitTestResult [^>]*outcome="Failed"[^>]*>' "$trx" | sed -n 's/.*testName="\([^"]*\)".*/FAILED \1/p'
    fi
  done
  grep -E '^\s*not ok ' "$root/artifacts/browser-tests.log" | sed 's/^ */FAILED browser: /' || true
fi

if [ "$passed" -eq 0 ] && [ "$failed" -eq 0 ]; then
  echo "no test results found" >&2
  status=1
fi
phase_times+="${phase_name} $((SECONDS - phase_start)) s"
echo "wall time per phase: ${phase_times} (${SECONDS} s in all)"
echo "$passed passed, $failed failed, $skipped skipped"
exit $status
