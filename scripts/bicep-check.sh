#!/usr/bin/env bash
# Compiles and lints bicep/main.bicep (and the local modules it uses) with the Bicep CLI from
# NuGet (tools/bicep/Bicep.CommandLine.proj). Fails on any error AND on any warning.
# Prints the path of the compiled ARM template. Works offline once the package is restored.
#
# Source it (`. scripts/bicep-check.sh`) to keep BICEP_PATH in your shell; the infrastructure
# tests (tests/Jimp.Tests/Infrastructure) read BICEP_PATH first.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

bicep_version="0.49.2"
packages="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
export BICEP_PATH="$packages/azure.bicep.commandline.linux-x64/$bicep_version/tools/bicep"

if [[ ! -f "$BICEP_PATH" ]]; then
  dotnet restore tools/bicep/Bicep.CommandLine.proj --verbosity quiet
fi
chmod +x "$BICEP_PATH"

out_dir="$(mktemp -d "${TMPDIR:-/tmp}/jimp-bicep.XXXXXX")"
template="$out_dir/main.json"
diagnostics="$out_dir/diagnostics.txt"

status=0
start=$SECONDS
# One run: `bicep build` reports the linter's findings (bicepconfig.json's rules, in the modules too) with the compiler's,
# the same set `bicep lint` reports, so a second run of the CLI (~7 s on a loaded 2-core machine) would only repeat them.
"$BICEP_PATH" build bicep/main.bicep --outfile "$template" 2>"$diagnostics" || status=$?
elapsed=$((SECONDS - start))

if [[ -s "$diagnostics" ]]; then
  cat "$diagnostics" >&2
fi
# Bicep exits 0 on warnings; any diagnostic line (Warning or Error) fails the check.
if [[ $status -ne 0 ]] || grep -Eq ': (Warning|Error|Info) ' "$diagnostics"; then
  echo "bicep-check: FAILED (see diagnostics above)" >&2
  exit 1
fi

echo "bicep-check: build (compiler and linter) clean in ${elapsed}s (Bicep CLI $bicep_version: $BICEP_PATH)" >&2
echo "$template"
