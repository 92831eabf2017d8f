#!/usr/bin/env bash
# JIMP's run command: installs what is missing, builds, and starts the DevHost (with Azurite) on
# http://127.0.0.1:7071 (JIMP_PORT overrides the port).
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

source scripts/lib.sh
ensure_npm_packages
dotnet tool restore >/dev/null
started_smtp=$(ensure_smtp4dev)
trap '[ -n "$started_smtp" ] && kill "$started_smtp" 2>/dev/null || true' EXIT

if [ -f web/package.json ] && { [ ! -f web/dist/index.html ] || [ -n "$(find web/src web/index.html -newer web/dist/index.html 2>/dev/null | head -n 1)" ]; }; then
  echo "== building the web app"
  npm run --silent build --workspace web
fi

echo "== building the DevHost"
dotnet build functions/Jimp.DevHost --nologo -v q -clp:NoSummary

echo "== JIMP on http://127.0.0.1:${JIMP_PORT:-7071} (Ctrl+C to stop)"
dotnet run --project functions/Jimp.DevHost --no-build --no-launch-profile
