#!/usr/bin/env bash
# Vigie — the whole test suite, from a fresh Debian machine.
#
#   bash scripts/test.sh
#
# Installs what the tests need when it is missing (Debian packages for the Dovecot and
# PostgreSQL fixtures, poppler-utils to read PDFs back, rustfmt/clippy components, cargo-fuzz),
# then runs: formatting check, clippy with warnings as errors, every unit, property and
# integration test (the integration tests start and stop their own Dovecot and PostgreSQL
# servers on 127.0.0.1, and the web application's tests their own `vigie serve` on a free
# loopback port), a check that the shipped demo mailbox is what the generator
# makes, the README's run command on the demo, and short fuzzing runs.
#
# Environment:
#   FUZZ_SECONDS   seconds per fuzz target (default 30 under CI, 10 otherwise; 0 skips fuzzing)
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=${CARGO_TERM_COLOR:-never}
# A one-off build (CI, fresh clone) gains nothing from incremental caches, which would
# double the size of the debug target on disk.
[ "${CI:-}" = true ] && export CARGO_INCREMENTAL=0
step() { printf '\n==> %s\n' "$*"; }

step "Paquets système (Dovecot, Pigeonhole, OpenSSL, PostgreSQL, poppler-utils, oathtool, en-têtes OpenSSL)"
bash tests/fixtures/dovecot.sh install
bash tests/fixtures/postgres.sh install
# pdftotext and pdfinfo read the PDF documents back in the tests (an independent PDF reader);
# oathtool computes the TOTP codes the web application's tests sign in with (an independent
# TOTP implementation).
missing=()
command -v pdftotext >/dev/null && command -v pdfinfo >/dev/null || missing+=(poppler-utils)
command -v oathtool >/dev/null || missing+=(oathtool)
command -v curl >/dev/null || missing+=(curl)
# OpenSSL headers for webauthn-rs (passkeys), found through pkg-config.
command -v pkg-config >/dev/null || missing+=(pkg-config)
pkg-config --exists openssl 2>/dev/null || missing+=(libssl-dev)
if [ ${#missing[@]} -gt 0 ]; then
  sudo=(); [ "$(id -u)" -ne 0 ] && sudo=(sudo)
  "${sudo[@]}" apt-get update -q
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

step "Composants Rust"
command -v cargo >/dev/null || { echo "cargo est introuvable : installez Rust (rustup) puis relancez." >&2; exit 1; }
cargo fmt --version >/dev/null 2>&1 || rustup component add rustfmt
cargo clippy --version >/dev/null 2>&1 || rustup component add clippy

step "Formatage (cargo fmt --check)"
cargo fmt --all -- --check

step "Lint (cargo clippy -D warnings)"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "Tests (unitaires, propriétés, intégration avec Dovecot réel)"
test_log=$(mktemp)
cargo test --workspace --locked 2>&1 | tee "$test_log"
passed=$(awk '/^test result:/ {p += $4} END {print p + 0}' "$test_log")
failed=$(awk '/^test result:/ {f += $6} END {print f + 0}' "$test_log")
rm -f "$test_log"

# (The shipped demo mailbox is compared with a fresh generation by the vigie-corpus test
# `committed_demo_is_up_to_date`.)
demo_tmp=$(mktemp -d)
trap 'rm -rf "$demo_tmp"' EXIT

step "La commande de démonstration du README fonctionne"
cargo run --quiet --locked -p vigie -- mail scan --maildir examples/demo-maildir --format json --output "$demo_tmp/demo.json" --no-progress
python3 - "$demo_tmp/demo.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
assert r["schema"] == "vigie.scan.v1" and r["complete"], r.get("incomplete_reason")
kinds = {f["kind"] for f in r["findings"]}
cats = {d["category"] for d in r["documents"]}
print(f"démo : {r['messages_scanned']} messages, {len(r['findings'])} valeurs, {len(kinds)} types, {len(cats)} catégories")
assert len(kinds) >= 8 and len(cats) >= 7, (kinds, cats)
PY

step "L'application web du README démarre (vigie serve) et répond sur /healthz"
cargo build --quiet --locked -p vigie
serve_log="$demo_tmp/serve.log"
target/debug/vigie --data-dir "$demo_tmp/serve-data" serve --listen 127.0.0.1:0 >"$serve_log" 2>&1 &
serve_pid=$!
base=""
for _ in $(seq 1 100); do
  base=$(sed -n 's/^Vigie est démarré : \(http:[^ ]*\)$/\1/p' "$serve_log")
  [ -n "$base" ] && break
  sleep 0.2
done
[ -n "$base" ] || { cat "$serve_log"; kill "$serve_pid" 2>/dev/null; exit 1; }
curl -fsS "$base/healthz" | grep -q '"etat":"ok"'
grep -q "/installation?jeton=" "$serve_log"
kill -INT "$serve_pid"; wait "$serve_pid" || true
echo "vigie serve : $base répond, lien d'installation affiché, arrêt propre"

step "L'application web dans un vrai navigateur (Chromium sans écran, playwright-core)"
VIGIE_BIN=target/debug/vigie bash scripts/browser-test.sh

fuzz_seconds=${FUZZ_SECONDS:-$([ "${CI:-}" = true ] && echo 30 || echo 10)}
if [ "$fuzz_seconds" -gt 0 ]; then
  step "Fuzzing court (${fuzz_seconds} s par cible)"
  bash scripts/fuzz.sh "$fuzz_seconds"
fi

echo
echo "Tous les contrôles sont passés."
echo "tests: $passed passed, $failed failed"
