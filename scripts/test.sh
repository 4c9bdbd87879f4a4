#!/usr/bin/env bash
# Every test, stage by stage, with the time each took. Exits non-zero if any stage failed.
set -uo pipefail
cd "$(dirname "$0")/.."

passed=0 failed=0 report=""
for stage in native wasm e2e; do
  printf '\n=== stage %s\n' "$stage"
  start=$(date +%s)
  if "scripts/test-$stage.sh"; then
    result=ok
    passed=$((passed + 1))
  else
    result=FAILED
    failed=$((failed + 1))
  fi
  seconds=$(( $(date +%s) - start ))
  report+=$(printf '  %-7s %-7s %4ds' "$stage" "$result" "$seconds")$'\n'
done
printf '\n=== stage times\n%s' "$report"
printf 'stages: %d passed, %d failed\n' "$passed" "$failed"
[ "$failed" -eq 0 ]
