#!/usr/bin/env bash
# Stage 2: wasm tests in headless Chromium through wasm-bindgen-test (dedicated worker, real
# rayon pool over shared memory). Uses the local chromedriver and wasm-bindgen-test-runner.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
# `--features engine-worker`: the tests build the pool themselves. `--test ...`: the wasm test
# binaries only; native tests are gated to the host.
wasm-pack test --headless --chrome --release --chromedriver "$CHROMEDRIVER" -- --features engine-worker --test pool_worker --test live_worker --test sim_worker
