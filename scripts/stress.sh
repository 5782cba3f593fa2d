#!/usr/bin/env bash
# `npm run stress -- --mode smoke|long [--duration S] [--workers N] [--max-error-rate R]
# [--max-rss-delta-kb K] [--json F]`: the stress harness (test/stress/main.ts), built first if needed.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f netns/native/build/Release/faultnet_native.node ] && [ -f dist/test/stress/main.js ] || bash scripts/build.sh
exec node dist/test/stress/main.js "$@"
