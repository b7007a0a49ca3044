#!/usr/bin/env bash
# A/B of the whole per-message scan (docs/BENCHMARKS.md, (1)) between two commits.
#
#   bash scripts/bench-ab.sh OLD_REV [NEW_REV] [CORPUS_DIR]
#
# Wall-clock times on a shared virtual machine move by 10 to 20 % with the host's load, more
# than most single changes gain. So each commit's `scan_messages` example is built in its own
# worktree and target folder, then the two run in turn, AB_ROUNDS times (default 6) of 5
# passes each: both see the same load. Prints, per commit, the best pass of all rounds and the
# median pass of each round. NEW_REV defaults to HEAD; the corpus defaults to the 200 MB one
# of `scripts/bench.sh` (generated with the same seed when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
old=${1:?"usage: bash scripts/bench-ab.sh OLD_REV [NEW_REV] [CORPUS_DIR]"}
new=${2:-HEAD}
work=${BENCH_DIR:-$(mktemp -d /tmp/vigie-ab.XXXXXX)}
corpus=${3:-$work/engine}
rounds=${AB_ROUNDS:-6}
mkdir -p "$work"

if [ ! -d "$corpus/cur" ]; then
  cargo run --release --locked -q -p vigie-corpus -- bench --out "$corpus" --size-mb "${BENCH_MB:-200}" --seed 1
fi

trees=()
cleanup() {
  for tree in "${trees[@]}"; do
    git worktree remove --force "$tree" 2>/dev/null || true
  done
}
trap cleanup EXIT

names=()
for rev in "$old" "$new"; do
  short=$(git rev-parse --short "$rev")
  tree=$work/ab-$short
  if [ ! -d "$tree" ]; then
    git worktree add -q --detach "$tree" "$rev"
    trees+=("$tree")
  fi
  echo "== build $short"
  (cd "$tree" && CARGO_TARGET_DIR="$work/target-$short" cargo build --release --locked -q -p vigie-scan --example scan_messages)
  names+=("$short")
done

results=$work/ab-results.txt
: > "$results"
for round in $(seq "$rounds"); do
  for short in "${names[@]}"; do
    line=$("$work/target-$short/release/examples/scan_messages" "$corpus" 5 | tail -1)
    # « meilleure passe 0.702 s (…), médiane 0.717 s (…) »
    best=$(sed -n 's/.*meilleure passe \([0-9.]*\) s.*/\1/p' <<<"$line")
    median=$(sed -n 's/.*médiane \([0-9.]*\) s.*/\1/p' <<<"$line")
    echo "round $round $short best $best median $median"
    echo "$short $best $median" >> "$results"
  done
done

bytes=$(find "$corpus/" -type f \( -path '*/cur/*' -o -path '*/new/*' \) -printf '%s\n' | awk '{s+=$1} END {print s}')
awk -v bytes="$bytes" '
  { if (!($1 in best) || $2 < best[$1]) best[$1] = $2; medians[$1] = medians[$1] " " $3 }
  END {
    for (k in best)
      printf "%s: best pass %.3f s = %.0f MB/s; round medians (s):%s\n", k, best[k], bytes / best[k] / 1e6, medians[k]
  }' "$results"
