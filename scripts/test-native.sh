#!/usr/bin/env bash
# Stage 1: the engine and everything pure, natively on the host (no build-std).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
cargo fmt --check
cargo clippy --all-targets --quiet -- -D warnings
cargo test --lib --bins --tests
cargo check --benches --quiet
