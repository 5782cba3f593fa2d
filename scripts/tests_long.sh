#!/usr/bin/env bash
# Long stress runs, never part of the default test run.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d dist ] || bash scripts/build.sh
mapfile -t long < <(find dist/test/long -name '*.test.js' 2>/dev/null | sort)
if [ ${#long[@]} -eq 0 ]; then echo "no long tests"; exit 0; fi
node --test --test-concurrency=1 --test-timeout=3600000 "${long[@]}"
