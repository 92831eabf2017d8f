#!/usr/bin/env bash
# JIMP's benchmarks at full size (JIMP_BENCH=full): every test in the Benchmark category, against the DevHost,
# Azurite and smtp4dev as in ./test.sh. Prints every figure, then "N passed, M failed"; exits non-zero when a
# bound fails. ./test.sh runs the same benchmarks at smoke size. Extra arguments go to dotnet test
# (e.g. --filter "Category=Benchmark&FullyQualifiedName~Privacy").
set -euo pipefail
cd "$(dirname "$0")"
root=$(pwd)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

source scripts/lib.sh
ensure_npm_packages
started_azurite=$(ensure_azurite_for_tests)
started_smtp=$(ensure_smtp4dev)
cleanup() {
  for pid in $started_azurite $started_smtp; do kill "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT

# Release, as production runs: the DevHost runs inside the test host, so its build is the functions' build. A Debug
# build (what ./test.sh runs) is about twice as slow on the chat path (20 concurrent streams, first delta p50
# 159 ms vs 60 ms in the same minutes): its figures would not be the product's.
echo "== build (Release)"
dotnet build tests/Jimp.Tests -c Release --nologo -v q -clp:NoSummary

echo "== benchmarks (full size)"
results="$root/artifacts/bench-results"
rm -rf "$results"
rm -f "$root"/artifacts/devhost-starts-*.txt
filter="Category=Benchmark"
if [ "${1:-}" = "--filter" ] && [ -n "${2:-}" ]; then filter="$2"; shift 2; fi
set +e
JIMP_BENCH=full dotnet test tests/Jimp.Tests -c Release --no-build --nologo -v q --filter "$filter" \
  --logger "trx;LogFileName=bench.trx" --results-directory "$results" "$@"
status=$?
set -e

trx="$results/bench.trx"
if [ ! -f "$trx" ]; then
  echo "no benchmark results found" >&2
  exit 1
fi
python3 scripts/trx-figures.py "$trx"
cat "$root"/artifacts/devhost-starts-*.txt 2>/dev/null || true
counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
get() { echo "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
passed=$(get passed); failed=$(( $(get failed) + $(get error) + $(get timeout) ))
if [ "$failed" -gt 0 ]; then
  echo "== failures"
  python3 scripts/trx-failures.py "$trx"
fi
if [ "${passed:-0}" -eq 0 ] && [ "$failed" -eq 0 ]; then
  echo "no benchmark ran" >&2
  status=1
fi
echo "${passed:-0} passed, $failed failed"
exit $status
