#!/usr/bin/env bash
# Browser tests: Debian's Chromium (chromium-headless-shell) + playwright-core (no browser download), against the DevHost serving
# the built web app. Builds the web app and the DevHost (unless JIMP_BUILT=1: ./test.sh has just built both),
# starts the DevHost on a free port with sign-in links pointing at it and one Chromium for every test file,
# waits for /api/health, runs `node --test tests/browser/` (two files at a time), prints each file's wall time,
# stops both and exits with node's status. Screenshots land in artifacts/screenshots/.
# BROWSER_TESTS=tests/browser/workspace.test.mjs runs one file only.
set -euo pipefail
cd "$(dirname "$0")/../.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# chromium-headless-shell: the same Chromium, headless only (about a third of the CPU; lib.mjs LAUNCH_OPTIONS).
if [ ! -x /usr/bin/chromium-headless-shell ] && [ -z "${CHROMIUM_PATH:-}" ]; then
  echo "== installing chromium-headless-shell (Debian package)"
  if ! { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium-headless-shell; }; then
    # Not installable here (no root, no network): the full Chromium, if present, runs the same tests, slower.
    [ -x /usr/bin/chromium ] || { echo "neither chromium-headless-shell nor chromium could be installed" >&2; exit 1; }
    echo "== chromium-headless-shell not installed: the tests run on /usr/bin/chromium"
  fi
fi

source scripts/lib.sh
ensure_npm_packages
if declare -F ensure_smtp4dev >/dev/null; then ensure_smtp4dev; fi

if [ "${JIMP_BUILT:-}" = 1 ]; then
  echo "== web app and DevHost built by ./test.sh (JIMP_BUILT=1)"
else
  echo "== building the web app"
  npm run --silent build --workspace web

  echo "== building the DevHost"
  dotnet build functions/Jimp.DevHost --nologo -v q -clp:NoSummary
fi

mkdir -p artifacts
log=artifacts/browser-devhost.log
# The owner's console: one operator address, and drafts of the next policy versions to announce.
# Every test signs people up from 127.0.0.1, so the per-IP link limit (30 an hour; its own .NET tests) is raised.
drafts=$(node tests/browser/policy-drafts.mjs artifacts/policy-drafts)
# Tables and containers of this run's own (Storage:Prefix): they start empty, as in CI, and two runs sharing one
# Azurite do not meet (the policy announcement mails this run's accounts only). The tests get it as JIMP_STORAGE_PREFIX.
JIMP_STORAGE_PREFIX=$(printf 'b%x%05x' "$(date +%s)" "$$" | cut -c1-16)
export JIMP_STORAGE_PREFIX
# The DevHost on a port the OS says is free. Until it listens, another process (./test.sh runs the .NET tests at the
# same time, and they start DevHosts on ports the OS gives) can take that port: then it stops, and starts again on another.
start_devhost() {
  port=$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
  base="http://127.0.0.1:$port"
  echo "== DevHost on $base (log: $log)"
  JIMP_PORT=$port Storage__Prefix=$JIMP_STORAGE_PREFIX Accounts__LinksPerIpPerHour=300 Operators__Addresses=owner@example.com DevHost__PolicyDraftsDirectory=$drafts \
    dotnet run --project functions/Jimp.DevHost --no-build --no-launch-profile >"$log" 2>&1 &
  devhost=$!
}
start_devhost
# One Chromium for the whole run; each test file connects to it (lib.mjs launch()) and opens its own contexts.
endpoint=artifacts/browser-ws.txt
rm -f "$endpoint"
node tests/browser/browser-server.mjs "$endpoint" >artifacts/browser-server.log 2>&1 &
chromium_server=$!
tests=""
cleanup() {
  for pid in $tests $devhost $chromium_server; do kill "$pid" 2>/dev/null || true; done
  for pid in $tests $devhost $chromium_server; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT

attempts=1
for _ in $(seq 1 240); do
  # A health answer counts only while this run's DevHost is alive (not a process that took the port first).
  if curl -fsS "$base/api/health" >/dev/null 2>&1 && kill -0 "$devhost" 2>/dev/null && ! grep -q 'address already in use' "$log"; then break; fi
  if ! kill -0 "$devhost" 2>/dev/null || grep -q 'address already in use' "$log"; then
    if grep -q 'address already in use' "$log" && [ "$attempts" -lt 3 ]; then
      kill "$devhost" 2>/dev/null || true; wait "$devhost" 2>/dev/null || true
      attempts=$((attempts + 1))
      echo "the DevHost's port was taken before it listened: attempt $attempts"
      start_devhost
      continue
    fi
    echo "the DevHost stopped:"; tail -n 40 "$log"; exit 1
  fi
  sleep 0.5
done
curl -fsS "$base/api/health" >/dev/null
kill -0 "$devhost"
for _ in $(seq 1 120); do
  [ -s "$endpoint" ] && break
  if ! kill -0 "$chromium_server" 2>/dev/null; then echo "Chromium did not start:"; tail -n 40 artifacts/browser-server.log; exit 1; fi
  sleep 0.5
done
[ -s "$endpoint" ] || { echo "Chromium did not start in 60 s:"; tail -n 40 artifacts/browser-server.log; exit 1; }

echo "== browser tests"
set +e
# Two files at a time: the real-API journeys mostly wait on the DevHost (mail, orchestrations) while the fake-API
# files keep Chromium busy. Each file's tests run in order, and each file has its own accounts (addresses with its
# run and pid), so files do not depend on one another.
JIMP_BASE_URL=$base JIMP_BROWSER_WS=$(cat "$endpoint") node --test --test-concurrency=2 \
  --test-reporter=tap --test-reporter-destination=stdout \
  --test-reporter=./tests/browser/file-times.mjs --test-reporter-destination=stdout \
  ${BROWSER_TESTS:-tests/browser/} &
# In the background and waited for, so that a stop (./test.sh's cleanup) stops the test runner too.
tests=$!
wait "$tests"
status=$?
tests=""
set -e
exit $status
