#!/usr/bin/env bash
# Browser tests: Debian's Chromium + playwright-core (no browser download), against the DevHost serving
# the built web app. Builds the web app and the DevHost, starts the DevHost on a free port with sign-in
# links pointing at it, waits for /api/health, runs `node --test tests/browser/`, stops the DevHost and
# exits with node's status. Screenshots land in artifacts/screenshots/.
# BROWSER_TESTS=tests/browser/workspace.test.mjs runs one file only.
set -euo pipefail
cd "$(dirname "$0")/../.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

if [ ! -x /usr/bin/chromium ]; then
  echo "== installing chromium (Debian package)"
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
fi

source scripts/lib.sh
ensure_npm_packages
if declare -F ensure_smtp4dev >/dev/null; then ensure_smtp4dev; fi

echo "== building the web app"
npm run --silent build --workspace web

echo "== building the DevHost"
dotnet build functions/Jimp.DevHost --nologo -v q -clp:NoSummary

port=$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
base="http://127.0.0.1:$port"
mkdir -p artifacts
log=artifacts/browser-devhost.log
echo "== DevHost on $base (log: $log)"
# The owner's console: one operator address, and drafts of the next policy versions to announce.
# Every test signs people up from 127.0.0.1, so the per-IP link limit (30 an hour; its own .NET tests) is raised.
drafts=$(node tests/browser/policy-drafts.mjs artifacts/policy-drafts)
JIMP_PORT=$port Accounts__LinksPerIpPerHour=300 Operators__Addresses=owner@example.com DevHost__PolicyDraftsDirectory=$drafts dotnet run --project functions/Jimp.DevHost --no-build --no-launch-profile >"$log" 2>&1 &
devhost=$!
cleanup() { kill "$devhost" 2>/dev/null || true; wait "$devhost" 2>/dev/null || true; }
trap cleanup EXIT

for _ in $(seq 1 240); do
  if curl -fsS "$base/api/health" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$devhost" 2>/dev/null; then echo "the DevHost stopped:"; tail -n 40 "$log"; exit 1; fi
  sleep 0.5
done
curl -fsS "$base/api/health" >/dev/null

echo "== browser tests"
set +e
JIMP_BASE_URL=$base node --test --test-concurrency=1 ${BROWSER_TESTS:-tests/browser/}
status=$?
set -e
exit $status
