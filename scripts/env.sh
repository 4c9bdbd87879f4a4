# Sourced by the build and test scripts: the cargo bin directory on PATH, and build-std
# for wasm builds only (set here, not in .cargo/config.toml, so native builds stay plain).
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
export CARGO_UNSTABLE_BUILD_STD=panic_abort,std
export CHROMEDRIVER=/usr/bin/chromedriver
