#!/usr/bin/env bash
# The simulator's native benchmarks (explore over seeds, simulated ops per second) at an
# earlier commit and now, run in turns in one go, so a ratio is read off one machine in one
# state. Usage: scripts/bench-against.sh REV [ROUNDS]   (REV: a commit, tag or branch)
set -euo pipefail
cd "$(dirname "$0")/.."
rev=${1:?usage: scripts/bench-against.sh REV [ROUNDS]}
rounds=${2:-3}
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
unset CARGO_UNSTABLE_BUILD_STD

before="$PWD/target/bench-before"
git worktree remove --force "$before" 2>/dev/null || true
git worktree add --quiet --detach "$before" "$rev"
trap 'git worktree remove --force "$before"' EXIT

# Built first, both, so the runs below are not slowed by a compiler.
builds="$PWD/target/bench-against"
for tree in "$before" "$PWD"; do
  (cd "$tree" && CARGO_TARGET_DIR="$builds/$(basename "$tree")" cargo bench --quiet --no-run --bench explore --bench sim 2>/dev/null)
done
binary() { # TREE BENCH: the newest benchmark binary built for it
  ls -t "$builds/$(basename "$1")/release/deps/$2"-* | grep -v '\.d$' | head -1
}

# "race_counter defaults, 1000 seeds ...: ... = R runs/s" -> R; "gil off, lock each ... M ops/s"
# -> M (every operation stepped: the GIL-on rows batch whole loops)
rate() { awk '/race_counter defaults, 1000 seeds/ { for (i = 1; i <= NF; i++) if ($(i+1) == "runs/s") { print $i; exit } }'; }
mops() { awk '/gil off, lock each/ { for (i = 1; i <= NF; i++) if ($(i+1) == "M") { print $i; exit } }'; }

echo "explore over 1 000 seeds of race_counter defaults (runs/s) and simulated M ops/s (gil off, lock each), $rev vs now:"
for round in $(seq "$rounds"); do
  eb=$("$(binary "$before" explore)" | rate); en=$("$(binary "$PWD" explore)" | rate)
  sb=$("$(binary "$before" sim)" | mops); sn=$("$(binary "$PWD" sim)" | mops)
  awk -v r="$round" -v eb="$eb" -v en="$en" -v sb="$sb" -v sn="$sn" 'BEGIN {
    printf "  round %d: explore %d -> %d runs/s (now takes x%.2f the time)   sim %.1f -> %.1f M ops/s\n", r, eb, en, eb / en, sb, sn }'
done
