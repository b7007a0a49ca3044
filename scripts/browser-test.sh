#!/usr/bin/env bash
# Vigie — the web application in a real browser (headless Chromium from Debian, driven by
# playwright-core), from the installation link to the incident's documents.
#
#   bash scripts/browser-test.sh
#
# Installs what it needs when it is missing (Debian packages chromium, nodejs, npm, oathtool;
# `npm ci` in tests/browser), builds `vigie` (or takes $VIGIE_BIN), starts `vigie serve` on a
# free loopback port with a fresh data directory, runs tests/browser/flow.mjs against it, and
# stops the server whatever happens.
#
# Environment:
#   VIGIE_BIN          the vigie binary to test (default: cargo build -p vigie, target/debug/vigie)
#   BROWSER_ARTIFACTS  where the screenshots and downloaded documents go
#                      (default: target/browser-artifacts, emptied first)
#   CHROMIUM_PATH      the browser (default: /usr/bin/chromium)
#   VIGIE_BROWSER_TOLERER_BOGUES=1  get past the server bugs the test found (KNOWN_BUGS in
#                      flow.mjs) to exercise the rest of the flow until they are fixed
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

fail() { printf 'browser-test : %s\n' "$*" >&2; exit 1; }

# --- What the test needs ------------------------------------------------------------------
missing=()
command -v chromium >/dev/null || [ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || missing+=(chromium)
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
command -v oathtool >/dev/null || missing+=(oathtool)
command -v pdftotext >/dev/null || missing+=(poppler-utils)
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installation des paquets manquants : ${missing[*]}"
  sudo=(); [ "$(id -u)" -ne 0 ] && sudo=(sudo)
  "${sudo[@]}" apt-get update -q
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
node_major=$(node -p 'process.versions.node.split(".")[0]')
[ "$node_major" -ge 20 ] || fail "Node.js $(node --version) est trop ancien : playwright-core demande Node.js 20 ou plus récent."

# node_modules is reinstalled when missing or older than the lock file (npm ci starts from
# scratch, so it is also what makes a stale tree right).
browser_dir="$root/tests/browser"
if [ ! -d "$browser_dir/node_modules/playwright-core" ] \
  || [ "$browser_dir/package-lock.json" -nt "$browser_dir/node_modules/.package-lock.json" ]; then
  echo "npm ci dans tests/browser"
  (cd "$browser_dir" && npm ci --no-audit --no-fund --loglevel=error)
fi

# --- The binary ---------------------------------------------------------------------------
if [ -n "${VIGIE_BIN:-}" ]; then
  bin=$VIGIE_BIN
else
  cargo build --quiet --locked -p vigie
  bin="$root/target/debug/vigie"
fi
[ -x "$bin" ] || fail "binaire introuvable : $bin"

artifacts=${BROWSER_ARTIFACTS:-$root/target/browser-artifacts}
case $artifacts in /*) ;; *) artifacts="$root/$artifacts" ;; esac
rm -rf "$artifacts"
mkdir -p "$artifacts"

# --- The server ---------------------------------------------------------------------------
work=$(mktemp -d)
serve_pid=""
stop_server() {
  if [ -n "$serve_pid" ] && kill -0 "$serve_pid" 2>/dev/null; then
    kill -INT "$serve_pid" 2>/dev/null || true
    # Graceful shutdown first; a server that does not stop within 10 s is killed.
    for _ in $(seq 1 50); do kill -0 "$serve_pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$serve_pid" 2>/dev/null || true
    wait "$serve_pid" 2>/dev/null || true
  fi
  serve_pid=""
}
cleanup() {
  stop_server
  [ -f "$work/serve.log" ] && cp "$work/serve.log" "$artifacts/serve.log" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A fresh server of its own: nothing from the caller's environment may point it at a real
# database, blob store or key.
unset VIGIE_DB VIGIE_BLOBS VIGIE_CONFIG VIGIE_PUBLIC_URL VIGIE_SECRET_KEY VIGIE_LISTEN VIGIE_DATA_DIR
serve_log="$work/serve.log"
: >"$serve_log"  # exists before the background server opens it
"$bin" serve --listen 127.0.0.1:0 --data-dir "$work/data" >"$serve_log" 2>&1 &
serve_pid=$!
base=""
setup_url=""
for _ in $(seq 1 150); do
  base=$(sed -n 's/^Vigie est démarré : \(http:[^ ]*\)$/\1/p' "$serve_log")
  setup_url=$(grep -o 'http://[^ ]*/installation?jeton=[^ ]*' "$serve_log" || true)
  [ -n "$base" ] && [ -n "$setup_url" ] && break
  kill -0 "$serve_pid" 2>/dev/null || break
  sleep 0.2
done
if [ -z "$base" ] || [ -z "$setup_url" ]; then
  cat "$serve_log" >&2
  fail "vigie serve n'a pas affiché son adresse et le lien d'installation dans les 30 secondes."
fi
echo "vigie serve : $base (données : $work/data)"

# --- The browser --------------------------------------------------------------------------
started=$(date +%s)
status=0
node "$browser_dir/flow.mjs" "$base" "$setup_url" "$artifacts" || status=$?
stop_server
elapsed=$(( $(date +%s) - started ))
echo "Captures d'écran et documents téléchargés : $artifacts"
if [ "$status" -ne 0 ]; then
  echo "Journal du serveur : $artifacts/serve.log" >&2
  fail "le parcours dans le navigateur a échoué (voir le message ci-dessus)."
fi
echo "Parcours dans le navigateur : réussi en ${elapsed} s."
