#!/usr/bin/env bash
# Vigie benchmarks (docs/BENCHMARKS.md), reproducible in one command:
#
#   bash scripts/bench.sh            # both benchmarks
#   bash scripts/bench.sh engine     # (1) scan engine throughput vs ripgrep
#   bash scripts/bench.sh imap       # (2) end-to-end IMAP scan vs mbsync download
#
# (1) Generates a text-heavy corpus (BENCH_MB, default 200 MB) of synthetic French municipal
#     mail, then times, on the same files, `vigie mail scan --jobs 1` (one core: MIME parsing,
#     decoding, all detectors, classification) and `rg` with the same detector patterns
#     (scripts/bench-patterns.txt), with hyperfine. MiB/s = corpus size / time, for the best
#     and the median run. Then, files read into memory first (engine only, one core): the
#     detectors over the same raw bytes as rg (detect_files), the whole per-message scan
#     (scan_messages: MIME, decoding, detectors, classification) and the detectors over
#     generated decoded text (detect_throughput).
# (2) Generates a mailbox of BENCH_MESSAGES (default 10000) messages, seeds it into the Dovecot
#     fixture, then times a full `vigie mail scan imaps://…` against `mbsync` merely downloading
#     the same mailbox, and records vigie's peak memory (/usr/bin/time).
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-all}
BENCH_MB=${BENCH_MB:-200}
BENCH_MESSAGES=${BENCH_MESSAGES:-10000}
work=${BENCH_DIR:-$(mktemp -d /tmp/vigie-bench.XXXXXX)}
mkdir -p "$work"

need=()
command -v hyperfine >/dev/null || need+=(hyperfine)
command -v rg >/dev/null || need+=(ripgrep)
command -v mbsync >/dev/null || need+=(isync)
[ -x /usr/bin/time ] || need+=(time)
if [ "${#need[@]}" -gt 0 ]; then
  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}"
fi
bash tests/fixtures/dovecot.sh install >/dev/null

echo "== build (release)"
cargo build --release --locked -p vigie -p vigie-corpus
vigie=$PWD/target/release/vigie
corpus=$PWD/target/release/vigie-corpus
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"

engine() {
  local dir=$work/engine
  if [ ! -d "$dir/cur" ]; then
    "$corpus" bench --out "$dir" --size-mb "$BENCH_MB" --seed 1
  fi
  # "$dir/": the corpus may be a symbolic link to one generated elsewhere.
  local bytes mb
  bytes=$(find "$dir/" -type f \( -path '*/cur/*' -o -path '*/new/*' \) -printf '%s\n' | awk '{s+=$1} END {print s}')
  mb=$(awk -v b="$bytes" 'BEGIN {printf "%.1f", b/1048576}')
  echo "== (1) engine: $mb MiB in $(find "$dir/" -type f \( -path '*/cur/*' -o -path '*/new/*' \) | wc -l) messages"
  # Warm the page cache so both tools read from memory.
  find "$dir/" -type f -exec cat {} + > /dev/null
  hyperfine --warmup 1 --runs "${BENCH_RUNS:-5}" --export-json "$work/engine.json" \
    -n "vigie (1 core)" "$vigie mail scan --no-progress --jobs 1 --format json --maildir $dir --output $work/engine-report.json" \
    -n "rg (same patterns)" "rg --no-config -c -f scripts/bench-patterns.txt $dir > /dev/null || true" \
    -n "rg (same patterns, 1 thread)" "rg --no-config -j1 -c -f scripts/bench-patterns.txt $dir > /dev/null || true"
  echo "== (1b) the detection engine alone on the same raw bytes as rg, one core"
  cargo run --release --locked -q -p vigie-scan --example detect_files -- "$dir"
  echo "== (1c) the whole per-message scan (MIME, decoding, detectors, classification), one core"
  cargo run --release --locked -q -p vigie-scan --example scan_messages -- "$dir" 5
  echo "== (1d) the detection engine on generated French mail text (planted values checked)"
  cargo run --release --locked -q -p vigie-scan --example detect_throughput
  python3 - "$work/engine.json" "$bytes" <<'PY'
import json, sys
runs = json.load(open(sys.argv[1]))["results"]
size = int(sys.argv[2]) / 1048576
median = {r["command"]: r["median"] for r in runs}
print(f"{'tool':32} {'best s':>8} {'median s':>9} {'best MiB/s':>11} {'median MiB/s':>13}")
for r in runs:
    print(f"{r['command']:32} {r['min']:8.2f} {r['median']:9.2f} {size / r['min']:11.1f} {size / r['median']:13.1f}")
v = median["vigie (1 core)"]; g = median["rg (same patterns, 1 thread)"]
print(f"vigie / rg (1 thread) time ratio (medians): {v / g:.2f}x")
PY
}

imap() {
  local dir=$work/mailbox
  if [ ! -d "$dir/cur" ]; then
    "$corpus" mailbox --out "$dir" --count "$BENCH_MESSAGES" --seed 1
  fi
  local fx=$work/dovecot base=${BENCH_PORT_BASE:-23000}
  bash tests/fixtures/dovecot.sh stop "$fx" >/dev/null 2>&1 || true
  rm -rf "$fx"
  bash tests/fixtures/dovecot.sh start "$fx" "$base" >/dev/null
  trap 'bash tests/fixtures/dovecot.sh stop "'"$fx"'" >/dev/null 2>&1 || true' EXIT
  local user=secretariat@mairie-exemple.fr pass='Correct-Horse-42!'
  bash tests/fixtures/dovecot.sh seed "$fx" "$user" "$dir" >/dev/null
  local bytes
  bytes=$(find "$dir/" -type f \( -path '*/cur/*' -o -path '*/new/*' \) -printf '%s\n' | awk '{s+=$1} END {print s}')
  echo "== (2) IMAP: $BENCH_MESSAGES messages, $((bytes / 1048576)) MiB, Dovecot $(dovecot --version | cut -d' ' -f1)"
  cat >"$work/mbsyncrc" <<EOF
IMAPAccount bench
Host 127.0.0.1
Port $((base + 993))
User $user
Pass $pass
SSLType IMAPS
CertificateFile $fx/ssl/cert.pem

IMAPStore remote
Account bench

MaildirStore local
Path $work/mbsync-out/
Inbox $work/mbsync-out/INBOX
SubFolders Verbatim

Channel pull
Far :remote:
Near :local:
Patterns *
Create Near
Sync Pull
SyncState *
EOF
  export VIGIE_BENCH_PASSWORD=$pass
  local url="imaps://$user@127.0.0.1:$((base + 993))"
  hyperfine --warmup 1 --runs "${BENCH_RUNS:-3}" --export-json "$work/imap.json" \
    --prepare "rm -rf $work/mbsync-out $work/state; mkdir -p $work/mbsync-out" \
    -n "vigie scan (full)" "$vigie --data-dir $work/state mail scan $url --full --no-progress --format json --output $work/imap-report.json --password-env VIGIE_BENCH_PASSWORD --ca-file $fx/ssl/cert.pem" \
    -n "mbsync download" "mbsync -q -c $work/mbsyncrc pull"
  /usr/bin/time -f '%M' -o "$work/rss.txt" "$vigie" --data-dir "$work/state" mail scan "$url" --full --no-progress \
    --format json --output "$work/imap-report.json" --password-env VIGIE_BENCH_PASSWORD --ca-file "$fx/ssl/cert.pem"
  python3 - "$work/imap.json" "$work/rss.txt" "$work/imap-report.json" <<'PY'
import json, sys
runs = {r["command"]: r["mean"] for r in json.load(open(sys.argv[1]))["results"]}
rss = int(open(sys.argv[2]).read().split()[-1]) / 1024
rep = json.load(open(sys.argv[3]))
v, m = runs["vigie scan (full)"], runs["mbsync download"]
print(f"vigie scan: {v:.2f} s, mbsync: {m:.2f} s, ratio {v / m:.2f}x")
print(f"vigie peak memory: {rss:.0f} MiB; messages scanned: {rep['messages_scanned']}, complete: {rep['complete']}")
PY
}

case $what in
  engine) engine ;;
  imap) imap ;;
  all) engine; imap ;;
  *) echo "usage: $0 [engine|imap|all]" >&2; exit 2 ;;
esac
echo "(work files in $work)"
