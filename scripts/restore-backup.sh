#!/usr/bin/env bash
# Lists JIMP's table backups, or restores one and replays the erasure tombstones (docs/deploy.md, "Restoring a backup").
#   scripts/restore-backup.sh --list
#   scripts/restore-backup.sh 2026-12-01                 (the latest complete backup of that night, into empty tables)
#   scripts/restore-backup.sh 2026-12-01 --keep-newer    (only rows missing live are written back)
# Storage: Azurite by default; for Azure set Storage__TableServiceUri, Storage__BlobServiceUri and KeyedHash__Key
# (the Key Vault secret keyed-hash-key) and sign in (az login). No keys in files.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
if ! built=$(dotnet build "$root/tools/Restore" --nologo -v q -clp:NoSummary 2>&1); then
  echo "$built" >&2
  exit 1
fi
exec dotnet "$root/tools/Restore/bin/Debug/net10.0/Jimp.Restore.dll" "$@"
