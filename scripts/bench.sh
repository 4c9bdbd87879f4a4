#!/usr/bin/env bash
# Benchmarks: figures to read, not pass/fail. Native first, then the built page in Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
( unset CARGO_UNSTABLE_BUILD_STD; cargo bench --bench pool && cargo bench --bench race && cargo bench --bench sim && cargo bench --bench explore && cargo bench --bench live && cargo bench --bench compile )
# The build as served, for its sizes; then the test build, whose hooks the figures need.
served="$PWD/target/bench-served-dist"
trunk build --release --dist "$served"
dist="$PWD/target/e2e-dist"
INTERLEAVE_TEST_HOOKS=1 trunk build --release --dist "$dist"
INTERLEAVE_DIST="$dist" INTERLEAVE_SIZE_DIST="$served" node tests/e2e/bench.mjs
