#!/usr/bin/env bash
# Short fuzzing runs of every cargo-fuzz target (used by scripts/test.sh; run longer by hand:
# `bash scripts/fuzz.sh 600`).
#
# The machine has a stable toolchain only; cargo-fuzz needs nightly flags (-Z), which
# RUSTC_BOOTSTRAP=1 allows on stable. The sanitizer is off (`-s none`): libFuzzer's coverage
# guidance still works, and panics, overflows (debug assertions on) and timeouts are caught.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
if ! cargo fuzz --version >/dev/null 2>&1; then
  cargo install cargo-fuzz --locked
fi
export RUSTC_BOOTSTRAP=1
for target in $(cargo fuzz list --fuzz-dir fuzz); do
  mkdir -p "fuzz/corpus/$target"
  # Seed inputs are committed under fuzz/seeds/TARGET; libFuzzer refuses a missing folder.
  seeds=()
  [ -d "fuzz/seeds/$target" ] && seeds=("fuzz/seeds/$target")
  echo "fuzz: $target (${seconds} s)"
  cargo fuzz run --fuzz-dir fuzz -s none --debug-assertions "$target" "fuzz/corpus/$target" "${seeds[@]}" -- \
    -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
    > "fuzz/last-$target.log" 2>&1 || { tail -n 60 "fuzz/last-$target.log"; exit 1; }
  grep -E '^(Done|stat::)' "fuzz/last-$target.log"
done
