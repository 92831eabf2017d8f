#!/usr/bin/env bash
# Regenerates the HTTP contract from the code: docs/openapi.json from the function classes' records and attributes
# (tools/OpenApi), then the web's types from that document (openapi-typescript). Commit both.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet run --project tools/OpenApi -- docs/openapi.json
npm run --silent generate:api --workspace web
