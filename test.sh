#!/usr/bin/env bash
# JIMP's test command: restores, starts what the tests need, runs every test project and check,
# prints "N passed, M failed, K skipped", and exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")"
root=$(pwd)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

source scripts/lib.sh
# The machine's busy CPU seconds so far (every process, every core: /proc/stat), for the figure printed last.
busy_cpu_seconds() { awk '/^cpu / { print int(($2 + $3 + $4 + $7 + $8 + $9) / 100) }' /proc/stat; }
busy_start=$(busy_cpu_seconds)
# Wall time per phase, printed before the totals (seconds since the script started).
# phase_note: what ran next to the phase (background jobs), printed after its time.
phase_times=""; phase_name="install (npm ci; dotnet restore beside it)"; phase_start=$SECONDS; phase_note=""
phase() {
  phase_times+="${phase_name} $((SECONDS - phase_start)) s${phase_note}; "
  phase_name=$1; phase_start=$SECONDS; phase_note=""
  echo "== $1"
}
mkdir -p "$root/artifacts"
# NuGet's restore waits on the network and the disk as npm ci does: it runs beside it (the build phase waits for it).
dotnet restore JIMP.sln --nologo -v q >"$root/artifacts/restore.log" 2>&1 &
restore_job=$!
ensure_npm_packages
dotnet tool restore >/dev/null
started_azurite=$(ensure_azurite_for_tests)
started_smtp=$(ensure_smtp4dev)
# Background jobs of this script (bicep, web, browser tests): stopped on any exit, before the services they use.
jobs_started="$restore_job"
cleanup() {
  for pid in $jobs_started; do kill "$pid" 2>/dev/null || true; done
  for pid in $jobs_started; do wait "$pid" 2>/dev/null || true; done
  for pid in $started_azurite $started_smtp; do kill "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT
mkdir -p "$root/artifacts"
# A background job: runs "$@" with its output in artifacts/<name>.log and its wall time in artifacts/<name>.time.
# Its status is read by `wait`, under `set +e` (set -e does not apply to a background job's status).
background() {
  local name=$1; shift
  (
    start=$(date +%s)
    set +e
    "$@" >"$root/artifacts/$name.log" 2>&1 &
    child=$!
    # Stopped (cleanup): stop the command too, and let it stop what it started.
    trap 'kill "$child" 2>/dev/null; wait "$child"; exit 143' TERM
    wait "$child"
    rc=$?
    echo "$(( $(date +%s) - start ))" >"$root/artifacts/$name.time"
    exit $rc
  ) &
  last_job=$!
  jobs_started+=" $last_job"
}
# A background job's wall time in seconds ("?" when it did not write one).
took() { cat "$root/artifacts/$1.time" 2>/dev/null || echo '?'; }
# Waits for a background job; prints its log (all of it, or its last $3 lines); returns its status.
finish() {
  local pid=$1 name=$2 lines=${3:-}
  local rc=0
  wait "$pid" || rc=$?
  local rest="" job
  for job in $jobs_started; do [ "$job" = "$pid" ] || rest+=" $job"; done
  jobs_started=$rest
  echo "== $name ($(took "$name") s, exit $rc)"
  if [ -n "$lines" ]; then tail -n "$lines" "$root/artifacts/$name.log"; else cat "$root/artifacts/$name.log"; fi
  return $rc
}

phase "build (.NET; bicep check, web build and web unit tests next to it)"
restore_status=0
wait "$restore_job" || restore_status=$?
jobs_started=""
if [ "$restore_status" -ne 0 ]; then
  cat "$root/artifacts/restore.log" >&2
  echo "dotnet restore failed (exit $restore_status)" >&2
  exit 1
fi
# Neither needs the .NET build (the Functions project only publishes web/dist), so they run while it compiles.
background bicep bash scripts/bicep-check.sh
bicep_job=$last_job
# The web unit tests run right after the web build, still next to the .NET build (whose last step, the test
# project's compile, leaves a core idle): 14 s off the run's critical path (web/vite.config.ts: testTimeout).
background web bash -c 'npm run --silent build:web && npm run --silent test:web'
web_job=$last_job
set +e
dotnet build JIMP.sln --no-restore --nologo -v q -clp:NoSummary
build_status=$?
finish "$bicep_job" bicep
bicep_status=$?
finish "$web_job" web
web_status=$?
set -e
phase_note=" (bicep $(took bicep) s and web $(took web) s next to it)"
if [ "$build_status" -ne 0 ] || [ "$bicep_status" -ne 0 ] || [ "$web_status" -ne 0 ]; then
  echo "build failed: dotnet build exit $build_status, bicep-check exit $bicep_status, web build and unit tests exit $web_status" >&2
  exit 1
fi
# bicep-check.sh prints the compiled template's path last.
BICEP_JSON=$(tail -n 1 artifacts/bicep.log)
export BICEP_JSON


phase "tests: .NET (benchmarks at smoke size; ./bench.sh runs them at full size) and browser, at the same time"
results="$root/artifacts/test-results"
rm -rf "$results"
rm -f "$root"/artifacts/devhost-starts-*.txt
# The browser suite (Chromium against a DevHost of its own: a free port, a storage prefix of its own, mails read per
# address) runs next to the .NET tests, which start their DevHosts on ports the OS gives and read mails per address too.
# The web app and the DevHost were built above: run.sh does not build them again.
background browser-tests env JIMP_BUILT=1 bash tests/browser/run.sh
browser_job=$last_job
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
dotnet_time=$((SECONDS - phase_start))
set +e
finish "$browser_job" browser-tests 40
browser_status=$?
set -e
phase_note=" (.NET $dotnet_time s, browser $(took browser-tests) s, at the same time)"
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
phase_times+="${phase_name} $((SECONDS - phase_start)) s${phase_note}"
echo "wall time per phase: ${phase_times} (${SECONDS} s in all)"
# Where the 2 cores went: the services this script started (each with its child processes), and everything else it ran.
cpu_of_tree() { # CPU seconds of a process and its descendants so far
  ps -eo pid=,ppid=,times= | awk -v root="$1" '{ parent[$1] = $2; cpu[$1] = $3 } END {
    for (p in cpu) { q = p; while (q != "" && q != root && q in parent && q != 1) q = parent[q]; if (q == root) sum += cpu[p] }
    print sum + 0 }'
}
cpu_line=""
[ -n "$started_azurite" ] && cpu_line+="Azurite $(cpu_of_tree "$started_azurite") s, "
[ -n "$started_smtp" ] && cpu_line+="smtp4dev $(cpu_of_tree "$started_smtp") s, "
busy_end=$(busy_cpu_seconds)
echo "CPU seconds: the machine busy $((busy_end - busy_start)) s of $((SECONDS * $(nproc))) (all cores, the whole run)${cpu_line:+; of it: ${cpu_line%, }}"
echo "$passed passed, $failed failed, $skipped skipped"
exit $status
