#!/usr/bin/env bash
# Check mode only: typecheck everything, then lint and format-check with biome.
set -euo pipefail
cd "$(dirname "$0")/.."
npx tsc -p tsconfig.json --noEmit
npx biome check .
