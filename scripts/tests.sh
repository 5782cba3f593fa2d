#!/usr/bin/env bash
# The default test run (what `npm test` runs): unit and simulation tests in
# parallel, then the integration tests one file at a time (they make real
# namespaces and measure timing, so they must not compete for the two cores).
set -euo pipefail
cd "$(dirname "$0")/.."
addon=netns/native/build/Release/faultnet_native.node
if [ -f "$addon" ] && [ -d dist ]; then
  # Compile first, every time: a test must never run a stale dist/ or addon.
  if [ -n "$(find netns/native -maxdepth 1 -newer "$addon" \( -name '*.c' -o -name '*.h' -o -name binding.gyp \))" ]; then
    npx node-gyp rebuild --directory netns/native >/dev/null
  fi
  npx tsc -p tsconfig.json
else
  bash scripts/build.sh
fi
list() { find "dist/test/$1" -name '*.test.js' 2>/dev/null | sort; }
mapfile -t fast < <(list unit; list sim)
mapfile -t integ < <(list integration; list hostile; list stress)
status=0
if [ ${#fast[@]} -gt 0 ]; then
  node --test --test-concurrency=2 --test-timeout=120000 "${fast[@]}" || status=1
fi
if [ ${#integ[@]} -gt 0 ]; then
  node --test --test-concurrency=1 --test-timeout=300000 "${integ[@]}" || status=1
fi
exit $status
