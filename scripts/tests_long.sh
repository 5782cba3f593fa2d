#!/usr/bin/env bash
# Long runs, never part of the default test run: the long stress profile (at least 10 minutes,
# 24 workers), its output and JSON record kept under artifacts/ with a timestamp, then whatever
# is in dist/test/long. Limits: $STRESS_MAX_ERROR_RATE (default 0.02) and
# $STRESS_MAX_RSS_DELTA_KB (default 131072), read by test/stress/profile.ts.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f netns/native/build/Release/faultnet_native.node ] && [ -d dist ] || bash scripts/build.sh
mkdir -p artifacts
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
status=0
node dist/test/stress/main.js --mode long --json "artifacts/stress-long-$stamp.json" 2>&1 \
  | tee "artifacts/stress-long-$stamp.txt" || status=1
echo "stress long: result in artifacts/stress-long-$stamp.txt and .json"
mapfile -t long < <(find dist/test/long -name '*.test.js' 2>/dev/null | sort)
if [ ${#long[@]} -gt 0 ]; then
  node --test --test-concurrency=1 --test-timeout=3600000 "${long[@]}" || status=1
fi
exit $status
