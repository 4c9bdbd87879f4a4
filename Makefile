# The two commands that set everything up on a fresh machine:
#   make serve   build the playground and serve it at http://127.0.0.1:8080 (isolated)
#   make test    run every test: native, wasm in headless Chromium, end-to-end
# Others: make build (static release build in dist/), make bench, make cli ARGS="probe".

.PHONY: serve test build bench cli setup-web setup-test test-native test-wasm test-e2e

serve: setup-web
	. scripts/env.sh && trunk serve --release

build: setup-web
	. scripts/env.sh && trunk build --release

test: setup-test
	scripts/test.sh

test-native:
	scripts/test-native.sh

test-wasm: setup-test
	scripts/test-wasm.sh

test-e2e: setup-test
	scripts/test-e2e.sh

bench: setup-test
	scripts/bench.sh

cli:
	cargo run --release --bin interleave -- $(ARGS)

setup-web:
	scripts/setup.sh web

setup-test:
	scripts/setup.sh test
