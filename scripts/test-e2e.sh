#!/usr/bin/env bash
# Stage 3: build the release page with Trunk, serve it, drive it in headless Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
dist="$PWD/target/e2e-dist"
# A test build: the hooks the tests reach for (a panic or a hang on demand) are in it.
INTERLEAVE_TEST_HOOKS=1 trunk build --release --dist "$dist"
INTERLEAVE_DIST="$dist" node --test --test-concurrency=1 tests/e2e/
