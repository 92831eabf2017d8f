#!/usr/bin/env bash
# Regenerates docs/privacy/register.md (record of processing, Art. 30 GDPR) from the declared personal-data stores.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet run --project tools/PrivacyRegister -- docs/privacy/register.md
