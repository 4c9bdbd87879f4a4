#!/usr/bin/env bash
# Installs what the build and the tests need, and only what is missing, so a second run is
# quick. Usage: scripts/setup.sh [web|test]
#   web   the pinned toolchain, trunk and wasm-bindgen-cli (enough to build and serve)
#   test  all of web, plus wasm-pack, Debian chromium + chromium-driver and the npm packages
set -euo pipefail
cd "$(dirname "$0")/.."

what="${1:-test}"
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

say() { printf '[setup] %s\n' "$*"; }

toolchain=$(sed -n 's/^channel *= *"\(.*\)"/\1/p' rust-toolchain.toml)
trunk_version=0.22.1
wasm_pack_version=0.15.1
# wasm-bindgen-cli must match the wasm-bindgen the lock file pins, exactly.
bindgen_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)

command -v rustup >/dev/null || { echo "rustup is needed (Rust through rustup)" >&2; exit 1; }

if ! rustup run "$toolchain" rustc --version >/dev/null 2>&1; then
  say "installing Rust $toolchain"
  rustup toolchain install "$toolchain" --profile minimal
fi
# Components and target: quick no-ops when present.
installed_components=$(rustup component list --toolchain "$toolchain" --installed)
for component in rust-src rustfmt clippy; do
  grep -q "^$component" <<<"$installed_components" || rustup component add --toolchain "$toolchain" "$component"
done
rustup target list --toolchain "$toolchain" --installed | grep -qx wasm32-unknown-unknown \
  || rustup target add --toolchain "$toolchain" wasm32-unknown-unknown

# cargo install TOOL VERSION BINARY: install unless BINARY --version already says VERSION.
cargo_tool() {
  local crate=$1 version=$2 binary=$3 extra=${4:-}
  if "$binary" --version 2>/dev/null | grep -q " $version\$\| $version "; then
    return
  fi
  say "installing $crate $version (a few minutes, once)"
  # shellcheck disable=SC2086
  cargo "+$toolchain" install "$crate" --version "$version" $extra
}

cargo_tool trunk "$trunk_version" trunk
cargo_tool wasm-bindgen-cli "$bindgen_version" wasm-bindgen

# The page's build is offline (Trunk.toml) and rebuilds std for shared memory, so the crates
# std itself depends on must be on the machine first: a fresh machine has none of them.
(CARGO_UNSTABLE_BUILD_STD=panic_abort,std cargo "+$toolchain" fetch --quiet --target wasm32-unknown-unknown)

if [ "$what" = web ]; then
  exit 0
fi

cargo_tool wasm-pack "$wasm_pack_version" wasm-pack

if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  say "installing Debian chromium and chromium-driver"
  sudo_if_needed=""
  [ "$(id -u)" = 0 ] || sudo_if_needed=sudo
  $sudo_if_needed apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_if_needed apt-get install -y -qq chromium chromium-driver >/dev/null
fi

if [ ! -d tests/e2e/node_modules ] || [ tests/e2e/package-lock.json -nt tests/e2e/node_modules/.package-lock.json ]; then
  say "installing npm packages for the browser tests"
  (cd tests/e2e && npm ci --no-audit --no-fund --silent)
fi
