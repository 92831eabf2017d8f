#!/usr/bin/env bash
# Imports a trend snapshot file into JIMP's storage, through the same service as the trend refresh.
#   scripts/import-trends.sh FILE.csv      (header: kind,country,period,date,rank,name,metric)
#   scripts/import-trends.sh FILE.json --kind hashtags --country FR --period 7 [--date 2026-11-28]
# Storage: Azurite by default (UseDevelopmentStorage=true); for Azure set Storage__TableServiceUri and
# Storage__BlobServiceUri and sign in (az login): the managed-identity chain picks that up. No keys in files.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
if ! built=$(dotnet build "$root/tools/TrendImport" --nologo -v q -clp:NoSummary 2>&1); then
  echo "$built" >&2
  exit 1
fi
exec dotnet "$root/tools/TrendImport/bin/Debug/net10.0/Jimp.TrendImport.dll" "$@"
