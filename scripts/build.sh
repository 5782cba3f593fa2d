#!/usr/bin/env bash
# Builds the native addon and launcher (node-gyp) and the TypeScript (tsc -> dist/).
set -euo pipefail
cd "$(dirname "$0")/.."
npx node-gyp rebuild --directory netns/native >/dev/null
rm -rf dist
npx tsc -p tsconfig.json
