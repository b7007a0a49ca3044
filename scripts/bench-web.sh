#!/usr/bin/env bash
# Load benchmark of the web application (`vigie serve`, docs/BENCHMARKS.md (3)), in one command:
#
#   bash scripts/bench-web.sh              # SQLite, then PostgreSQL
#   bash scripts/bench-web.sh sqlite       # SQLite only
#   bash scripts/bench-web.sh postgres     # PostgreSQL only
#
# For each database: starts `vigie serve --listen 127.0.0.1:0` on a fresh data directory (and,
# for PostgreSQL, a throwaway cluster from tests/fixtures/postgres.sh on 127.0.0.1), goes
# through the setup wizard and the TOTP enrolment with curl (the printed setup link, the
# anti-forgery cookie and field, the Origin header, oathtool for the code) to get a signed-in
# session, checks each request once with curl, then measures with wrk, BENCH_CONNECTIONS
# (64) connections on 2 threads for BENCH_SECONDS (15) seconds each:
#   healthz         GET /healthz: one database query, no session, no template; the baseline of
#                   what the framework and the database give at most
#   dashboard       GET / with the session cookie (the dashboard page, checked in every
#                   response: status 200 and its <h1>), fresh organisation without data
#   dashboard, N incidents  the same after declaring BENCH_INCIDENTS (10) open incidents through the API
#   sign-in         POST /connexion with the right e-mail and password (the password step:
#                   Argon2id 19 MiB, t=2) of BENCH_ACCOUNTS (512) agents created by invitation,
#                   each request another agent and another client address (X-Forwarded-For,
#                   the server trusting 127.0.0.1 as its reverse proxy), as a provider's server
#                   sees many communes sign in; every response checked to be the 303 to the
#                   next step (not a 429, not the form again). One account signed in 64 times at
#                   once from one address would be throttled, by design.
# and prints a Markdown table: requests per second, 50th and 99th percentile latency, responses
# >= 400 (wrk's "non-2xx or 3xx"), responses that were not the expected one, socket errors, and
# where the CPU went during the measurement (vigie, PostgreSQL, wrk, everything else on the
# machine), vigie's peak resident memory, with the load average before each run. On PostgreSQL it also counts the SQL
# statements of one request of each kind (log_statement for a moment).
#
# Installs what is missing from Debian (wrk, oathtool, curl, time; PostgreSQL through
# tests/fixtures/postgres.sh install), builds `cargo build --release -p vigie` unless $VIGIE_BIN
# is given, and stops every server it started and removes its files whatever happens.
#
# Knobs: BENCH_SECONDS (15), BENCH_CONNECTIONS (64), BENCH_THREADS (2), BENCH_INCIDENTS (10),
# BENCH_ACCOUNTS (512),
# VIGIE_BIN. wrk's timeout is 30 s, so that a slow sign-in is measured, not dropped.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
what=${1:-all}
case $what in sqlite | postgres | all) ;; *) echo "usage: $0 [sqlite|postgres|all]" >&2; exit 2 ;; esac
seconds=${BENCH_SECONDS:-15}
connections=${BENCH_CONNECTIONS:-64}
threads=${BENCH_THREADS:-2}
incidents=${BENCH_INCIDENTS:-10}
accounts=${BENCH_ACCOUNTS:-512}
lua=$root/scripts/bench-web/check.lua

fail() { echo "bench-web: $*" >&2; exit 1; }

# --- Tools ----------------------------------------------------------------------------------
need=()
command -v wrk >/dev/null || need+=(wrk)
command -v oathtool >/dev/null || need+=(oathtool)
command -v curl >/dev/null || need+=(curl)
[ -x /usr/bin/time ] || need+=(time)
command -v flock >/dev/null || need+=(util-linux)
if [ "${#need[@]}" -gt 0 ]; then
  sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  "${sudo[@]}" apt-get update -q
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need[@]}"
fi
if [ "$what" != sqlite ]; then
  bash tests/fixtures/postgres.sh install >/dev/null
fi

if [ -n "${VIGIE_BIN:-}" ]; then
  vigie=$VIGIE_BIN
else
  echo "== build (release)"
  cargo build --release --locked -p vigie
  vigie=$root/target/release/vigie
fi
[ -x "$vigie" ] || fail "no binary at $vigie"

# --- Cleanup --------------------------------------------------------------------------------
# Everything the run writes (server logs, data directories, responses) goes here.
work=$(mktemp -d /tmp/vigie-bw-XXXXXX)
serve_pid=""
pg_dir=""
stop_server() {
  if [ -n "$serve_pid" ] && kill -0 "$serve_pid" 2>/dev/null; then
    kill -INT "$serve_pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$serve_pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$serve_pid" 2>/dev/null || true
  fi
  [ -z "$serve_pid" ] || wait "$serve_pid" 2>/dev/null || true
  serve_pid=""
}
stop_postgres() {
  if [ -n "$pg_dir" ]; then
    bash "$root/tests/fixtures/postgres.sh" stop "$pg_dir" >/dev/null 2>&1 || true
    rm -rf "$pg_dir"
  fi
  pg_dir=""
}
cleanup() {
  stop_server
  stop_postgres
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- The machine ----------------------------------------------------------------------------
load() { cut -d' ' -f1-3 /proc/loadavg; }
hz=$(getconf CLK_TCK)
echo "== machine"
echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "cores: $(nproc), CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "RAM: $(awk '/^MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo), $(. /etc/os-release && echo "$PRETTY_NAME"), kernel $(uname -r)"
echo "wrk: $(wrk -v 2>&1 | head -n 1 | cut -d' ' -f1-2), $("$vigie" --version 2>/dev/null || echo vigie)"
echo "load average before the run (1, 5, 15 min): $(load)"
echo "busiest processes before the run:"
{ ps -eo pcpu=,comm= --sort=-pcpu 2>/dev/null || echo "(ps is not installed)"; } | head -n 5 | sed 's/^/  /'

# --- CPU accounting -------------------------------------------------------------------------
# Machine-wide busy ticks (everything but idle and iowait).
machine_busy() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat; }
# utime + stime + cutime + cstime of one process (its threads and its reaped children).
proc_ticks() {
  local s
  read -r s 2>/dev/null <"/proc/$1/stat" || { echo 0; return; }
  s=${s##*) }
  # shellcheck disable=SC2086
  set -- $s
  echo $((${12} + ${13} + ${14} + ${15}))
}
# A process and its live children (PostgreSQL: the postmaster and its backends).
tree_ticks() {
  local parent=$1 total f s pid
  total=$(proc_ticks "$parent")
  for f in /proc/[0-9]*/stat; do
    read -r s 2>/dev/null <"$f" || continue
    s=${s##*) }
    # shellcheck disable=SC2086
    set -- $s
    if [ "$2" = "$parent" ]; then
      pid=${f#/proc/}
      total=$((total + $(proc_ticks "${pid%/stat}")))
    fi
  done
  echo "$total"
}
pg_ticks() {
  if [ -n "$pg_dir" ] && [ -f "$pg_dir/data/postmaster.pid" ]; then
    tree_ticks "$(head -n 1 "$pg_dir/data/postmaster.pid")"
  else
    echo 0
  fi
}

# --- HTTP with curl -------------------------------------------------------------------------
# http NAME CURL-ARGS…: body and headers into $work/NAME.{body,head}; prints the status.
http() {
  local out=$work/$1
  shift
  curl -sS -o "$out.body" -D "$out.head" -w '%{http_code}' "$@"
}
# The value of cookie NAME set by a response (curl's jar would not send back the Secure cookies
# of a plain-HTTP loopback server; the headers are read instead).
set_cookie() { sed -n "s/^[Ss]et-[Cc]ookie: $2=\([^;]*\).*/\1/p" "$work/$1.head" | tail -n 1 | tr -d '\r'; }
# The value of the form field NAME in a page.
field() { grep -o "name=\"$2\" value=\"[^\"]*\"" "$work/$1.body" | head -n 1 | sed 's/.*value="\([^"]*\)"$/\1/'; }
expect_status() { # got wanted what
  [ "$1" = "$2" ] || fail "$3: HTTP $1 instead of $2 (see $(ls -t "$work"/*.head | head -n 1))"
}

domain=mairie-banc-essai.fr
email=secretariat@$domain
email_form=secretariat%40mairie-banc-essai.fr
pass=Brume-Quartz-Falaise-73

# Setup wizard, TOTP enrolment, then the dashboard; sets session, csrf_cookie and token (the
# session's anti-forgery token).
sign_up() {
  local base=$1 setup=$2 st secret code
  st=$(http setup "$setup")
  expect_status "$st" 200 "GET /installation?jeton=…"
  csrf_cookie=$(set_cookie setup vigie_csrf)
  [ "${#csrf_cookie}" -eq 43 ] || fail "no vigie_csrf cookie on the setup page"
  st=$(http setup-post -H "Cookie: vigie_csrf=$csrf_cookie" -H "Origin: $base" \
    --data-urlencode "csrf=$(field setup csrf)" --data-urlencode "jeton=$(field setup jeton)" \
    --data-urlencode "organisation=Commune de Banc-sur-Essai" --data-urlencode "nom=Camille Mesure" \
    --data-urlencode "email=$email" --data-urlencode "mot_de_passe=$pass" \
    --data-urlencode "confirmation=$pass" "$base/installation")
  expect_status "$st" 303 "POST /installation"
  session=$(set_cookie setup-post vigie_session)
  st=$(http enrol -H "Cookie: vigie_session=$session" "$base/connexion/double-facteur")
  expect_status "$st" 200 "GET /connexion/double-facteur"
  secret=$(grep -o 'data-testid="secret-totp">[^<]*' "$work/enrol.body" | sed 's/.*>//' | tr -d ' ')
  [ -n "$secret" ] || fail "no TOTP secret on the enrolment page"
  code=$(oathtool --totp -b "$secret")
  st=$(http enrol-post -H "Cookie: vigie_session=$session" -H "Origin: $base" \
    --data-urlencode "csrf=$(field enrol csrf)" --data-urlencode "code=$code" \
    --data-urlencode "secret_scelle=$(field enrol secret_scelle)" "$base/connexion/double-facteur")
  expect_status "$st" 200 "POST /connexion/double-facteur"
  session=$(set_cookie enrol-post vigie_session)
  st=$(http dashboard -H "Cookie: vigie_session=$session" "$base/")
  expect_status "$st" 200 "GET / (dashboard) after sign-in"
  grep -q '<h1>Tableau de bord</h1>' "$work/dashboard.body" || fail "GET / is not the dashboard"
  token=$(field dashboard csrf)
}

# Creates $accounts agents, agent-1 … agent-N@$domain, as an administrator would: an invitation
# each (POST /membres/inviter, the one-time link read from the page), accepted with a name and
# the password (GET then POST /invitation). They have no second factor yet: their password step
# leads to the enrolment page.
create_accounts() {
  local base=$1 i st link
  for i in $(seq 1 "$accounts"); do
    st=$(http invite -H "Cookie: vigie_session=$session" -H "Origin: $base" \
      --data-urlencode "csrf=$token" --data-urlencode "nom=Agent $i" \
      --data-urlencode "email=agent-$i@$domain" --data-urlencode "role=agent" "$base/membres/inviter")
    expect_status "$st" 200 "POST /membres/inviter"
    link=$(grep -o 'data-testid="lien-invitation">[^<]*' "$work/invite.body" | sed 's/.*>//; s/&amp;/\&/g')
    [ -n "$link" ] || fail "no invitation link on the members page"
    st=$(http invited "$link")
    expect_status "$st" 200 "GET /invitation"
    local cookie
    cookie=$(set_cookie invited vigie_csrf)
    st=$(http accept -H "Cookie: vigie_csrf=$cookie" -H "Origin: $base" \
      --data-urlencode "csrf=$(field invited csrf)" --data-urlencode "jeton=$(field invited jeton)" \
      --data-urlencode "nom=Agent $i" --data-urlencode "mot_de_passe=$pass" \
      --data-urlencode "confirmation=$pass" "$base/invitation")
    expect_status "$st" 303 "POST /invitation"
  done
}

# Declares $incidents open incidents through the API, discovered 1 to N×3 hours ago (their
# 72-hour deadlines running), over the five playbooks.
declare_incidents() {
  local base=$1 i st at playbooks=(compromission-messagerie faux-support rancongiciel fraude-virement fuite-donnees)
  for i in $(seq 1 "$incidents"); do
    at=$(date -u -d "-$((i * 3)) hours" +%Y-%m-%dT%H:%M:%SZ)
    st=$(http incident -H "Cookie: vigie_session=$session" -H "X-CSRF-Token: $token" \
      -H "Origin: $base" -H 'Content-Type: application/json' \
      --data "{\"playbook\":\"${playbooks[$((i % 5))]}\",\"titre\":\"Banc essai $(printf %02d "$i")\",\"constate_le\":\"$at\",\"donnees_personnelles\":true}" \
      "$base/api/incidents")
    expect_status "$st" 201 "POST /api/incidents"
  done
}

# --- Servers --------------------------------------------------------------------------------
# start_server DATA-DIR [--db URL]: sets serve_pid, base and setup_url.
start_server() {
  local data=$1 log
  shift
  log=$work/serve-$(basename "$data").log
  : >"$log" # exists before the background server opens it
  (
    unset VIGIE_DB VIGIE_BLOBS VIGIE_CONFIG VIGIE_PUBLIC_URL VIGIE_SECRET_KEY VIGIE_LISTEN VIGIE_DATA_DIR
    exec "$vigie" serve --listen 127.0.0.1:0 --data-dir "$data" --config "$work/vigie.toml" "$@"
  ) >"$log" 2>&1 &
  serve_pid=$!
  base=""
  setup_url=""
  for _ in $(seq 1 300); do
    base=$(sed -n 's/^Vigie est démarré : \(http:[^ ]*\)$/\1/p' "$log")
    setup_url=$(grep -o 'http://[^ ]*/installation?jeton=[^ ]*' "$log" || true)
    [ -n "$base" ] && [ -n "$setup_url" ] && break
    kill -0 "$serve_pid" 2>/dev/null || break
    sleep 0.2
  done
  if [ -z "$base" ] || [ -z "$setup_url" ]; then
    cat "$log" >&2
    fail "vigie serve did not print its address and setup link within 60 s"
  fi
}

# start_postgres: a throwaway cluster on a free loopback port; sets pg_dir, pg_port, pg_url.
start_postgres() {
  local out port dir
  for _ in 1 2 3 4 5; do
    port=$(shuf -i 33000-59999 -n 1)
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && continue
    # Its own directory: as root, the fixture hands it over to the postgres user, who could not
    # enter $work (0700).
    dir=$(mktemp -d /tmp/vigie-bw-pg-XXXXXX)
    pg_dir=$dir
    if out=$(bash "$root/tests/fixtures/postgres.sh" start "$dir" "$port" 2>"$work/pg-start.err"); then
      pg_port=$port
      pg_url=$(sed -n 's/^url=//p' <<<"$out")
      pg_version=$(sed -n 's/^version=//p' <<<"$out")
      return 0
    fi
    stop_postgres
  done
  cat "$work/pg-start.err" >&2
  fail "PostgreSQL did not start (tests/fixtures/postgres.sh start)"
}

pg_sql() {
  local bin
  bin=$(for d in /usr/lib/postgresql/*/bin; do echo "$d"; done | sort -t/ -k5,5n | tail -n 1)
  "$bin/psql" -X -q -At -h "$pg_dir/run" -p "$pg_port" -U vigie -d vigie -c "$1"
}

# statements WHAT CURL-ARGS…: how many SQL statements the PostgreSQL server ran while curl made
# one request (log_statement = all for a moment; background jobs polling the queue may add one
# or two, so it is done three times and the smallest count kept).
statements() {
  local what=$1 log=$pg_dir/log/postgres.log best="" n before
  shift
  pg_sql "ALTER SYSTEM SET log_statement = 'all'" >/dev/null
  pg_sql "SELECT pg_reload_conf()" >/dev/null
  sleep 1
  for _ in 1 2 3; do
    before=$(wc -l <"$log")
    curl -sS -o /dev/null "$@"
    sleep 0.5
    tail -n "+$((before + 1))" "$log" | grep -E 'LOG: +(statement|execute [^:]*):' \
      | sed -E 's/.*LOG: +(statement|execute [^:]*): *//' >"$work/statements.now" || true
    n=$(wc -l <"$work/statements.now")
    if [ -z "$best" ] || [ "$n" -lt "$best" ]; then best=$n; cp "$work/statements.now" "$work/statements.best"; fi
  done
  pg_sql "ALTER SYSTEM RESET log_statement" >/dev/null
  pg_sql "SELECT pg_reload_conf()" >/dev/null
  echo "SQL statements for one $what: $best (how many times each, first 110 characters):"
  cut -c 1-110 "$work/statements.best" | sort | uniq -c | sort -rn | sed 's/^/  /'
  printf '%s\t%s\n' "$what" "$best" >>"$work/statements.tsv"
}

# --- Measurements ---------------------------------------------------------------------------
results=$work/results.tsv
: >"$results"
# wrk connects from 127.0.0.1, taken for the reverse proxy in front of the server: the sign-in
# measurement gives each request its client address in X-Forwarded-For.
printf 'trusted_proxies = ["127.0.0.1"]\n' >"$work/vigie.toml"

# measure BACKEND LABEL URL [VAR=VALUE…]: one wrk run with scripts/bench-web/check.lua.
measure() {
  local backend=$1 label=$2 url=$3 before m0 v0 p0 m1 v1 p1 t0 t1 line
  shift 3
  before=$(load)
  echo
  echo "== $backend: $label ($url), load average before: $before"
  m0=$(machine_busy); v0=$(proc_ticks "$serve_pid"); p0=$(pg_ticks); t0=$(date +%s.%N)
  env BENCH_NAME="$label" "$@" /usr/bin/time -f '%U %S' -o "$work/wrk.time" \
    wrk --latency -t "$threads" -c "$connections" -d "${seconds}s" --timeout 30s -s "$lua" "$url" \
    >"$work/wrk.out"
  t1=$(date +%s.%N); m1=$(machine_busy); v1=$(proc_ticks "$serve_pid"); p1=$(pg_ticks)
  grep -v '^RESULT' "$work/wrk.out"
  line=$(grep '^RESULT' "$work/wrk.out") || fail "no result line from wrk"
  kill -0 "$serve_pid" 2>/dev/null || fail "vigie serve stopped during the measurement"
  # Cores used on average: vigie, PostgreSQL, wrk, and everything else running on the machine.
  read -r cores_vigie cores_pg cores_wrk cores_other < <(awk -v hz="$hz" -v t0="$t0" -v t1="$t1" \
    -v m="$((m1 - m0))" -v v="$((v1 - v0))" -v p="$((p1 - p0))" -v w="$(tail -n 1 "$work/wrk.time")" \
    'BEGIN { t = t1 - t0; split(w, x, " "); wrk = (x[1] + x[2]) / t; vg = v / hz / t; pg = p / hz / t;
             other = m / hz / t - vg - pg - wrk; if (other < 0) other = 0;
             printf "%.2f %.2f %.2f %.2f\n", vg, pg, wrk, other }')
  echo "statuses: $(cut -f10 <<<"$line")"
  echo "CPU during the run (cores): vigie $cores_vigie, PostgreSQL $cores_pg, wrk $cores_wrk, other processes $cores_other"
  # vigie's peak resident memory since it started (VmHWM), and now.
  local peak now
  peak=$(awk '/^VmHWM/ {printf "%.0f", $2 / 1024}' "/proc/$serve_pid/status")
  now=$(awk '/^VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$serve_pid/status")
  echo "vigie resident memory: peak so far $peak MiB, now $now MiB"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$backend" "${line#RESULT?}" "$before" \
    "$cores_vigie" "$cores_pg" "$cores_wrk" "$cores_other" "$peak" >>"$results"
}

run_backend() {
  local backend=$1 data=$work/data-$1 st
  shift
  echo
  echo "=== $backend"
  start_server "$data" "$@"
  echo "vigie serve: $base"
  sign_up "$base" "$setup_url"
  echo "signed in (setup wizard and TOTP enrolment done); GET / answers 200 with the dashboard"

  # The sign-in request, checked once: the 303 to the second factor.
  local signin_body="csrf=$csrf_cookie&email=$email_form&mot_de_passe=$pass"
  st=$(http signin -H "Cookie: vigie_csrf=$csrf_cookie" -H "Origin: $base" --data "$signin_body" "$base/connexion")
  expect_status "$st" 303 "POST /connexion"
  grep -qi '^location: /connexion/code' "$work/signin.head" || fail "POST /connexion does not lead to /connexion/code"
  st=$(http healthz "$base/healthz")
  expect_status "$st" 200 "GET /healthz"

  if [ -n "$pg_dir" ]; then
    statements "GET /healthz" "$base/healthz"
    statements "GET / (no incident)" -H "Cookie: vigie_session=$session" "$base/"
  fi
  measure "$backend" healthz "$base/healthz" BENCH_CONTAINS='"etat":"ok"'
  measure "$backend" dashboard "$base/" BENCH_COOKIE="vigie_session=$session" \
    BENCH_CONTAINS='<h1>Tableau de bord</h1>'

  declare_incidents "$base"
  st=$(http dashboard "$base/" -H "Cookie: vigie_session=$session")
  expect_status "$st" 200 "GET / with $incidents incidents"
  [ "$(grep -o 'Banc essai [0-9]*' "$work/dashboard.body" | sort -u | wc -l)" -eq "$incidents" ] \
    || fail "the dashboard does not list the $incidents incidents"
  if [ -n "$pg_dir" ]; then
    statements "GET / ($incidents incidents)" -H "Cookie: vigie_session=$session" "$base/"
  fi
  measure "$backend" "dashboard, $incidents incidents" "$base/" BENCH_COOKIE="vigie_session=$session" \
    BENCH_CONTAINS="Banc essai 01<"

  create_accounts "$base"
  local agent_body="csrf=$csrf_cookie&email=agent-1%40$domain&mot_de_passe=$pass" agent_location
  st=$(http agent -H "Cookie: vigie_csrf=$csrf_cookie" -H "Origin: $base" \
    -H "X-Forwarded-For: 203.0.113.200" --data "$agent_body" "$base/connexion")
  expect_status "$st" 303 "POST /connexion (agent-1)"
  agent_location=$(sed -n 's/^[Ll]ocation: \([^\r]*\).*/\1/p' "$work/agent.head" | tr -d '\r')
  case $agent_location in /connexion/*) ;; *) fail "POST /connexion (agent-1) leads to '$agent_location'" ;; esac
  echo "$accounts accounts created by invitation; their password step leads to $agent_location"
  if [ -n "$pg_dir" ]; then
    statements "POST /connexion" -H "Cookie: vigie_csrf=$csrf_cookie" -H "Origin: $base" \
      -H "X-Forwarded-For: 203.0.113.201" --data "$agent_body" "$base/connexion"
  fi
  measure "$backend" "sign-in (password step), $accounts accounts" "$base/connexion" BENCH_METHOD=POST \
    BENCH_COOKIE="vigie_csrf=$csrf_cookie" BENCH_ORIGIN="$base" BENCH_SIGNIN_ACCOUNTS="$accounts" \
    BENCH_DOMAIN="$domain" BENCH_PASSWORD="$pass" BENCH_CSRF="$csrf_cookie" BENCH_THREADS="$threads" \
    BENCH_EXPECT=303 BENCH_LOCATION="$agent_location"
  stop_server
}

echo "== wrk: $connections connections, $threads threads, ${seconds} s per measurement, timeout 30 s"
if [ "$what" != postgres ]; then
  run_backend SQLite
fi
if [ "$what" != sqlite ]; then
  start_postgres
  echo "PostgreSQL $pg_version on 127.0.0.1:$pg_port (tests/fixtures/postgres.sh)"
  run_backend PostgreSQL --db "$pg_url"
  stop_postgres
fi

echo
echo "load average after the run (1, 5, 15 min): $(load)"
echo
echo "| database | request | requests/s | p50 | p99 | requests | non-2xx/3xx | unexpected | socket errors | load before | CPU cores: vigie / PostgreSQL / wrk / other | vigie peak RSS |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|"
while IFS=$'\t' read -r backend label n rps p50 p99 bad4 unexpected sock statuses before cv cp cw co peak; do
  [ "$backend" = SQLite ] && cp="—"
  printf '| %s | %s | %s | %s ms | %s ms | %s | %s | %s | %s | %s | %s / %s / %s / %s | %s MiB |\n' \
    "$backend" "$label" "$rps" "$p50" "$p99" "$n" "$bad4" "$unexpected" "$sock" "${before%% *}" \
    "$cv" "$cp" "$cw" "$co" "$peak"
done <"$results"
if [ -s "$work/statements.tsv" ]; then
  echo
  echo "SQL statements per request (PostgreSQL log):"
  sed 's/^/  /' "$work/statements.tsv"
fi
if awk -F'\t' '$3 == 0 || $7 != 0 || $8 != 0 || $9 != 0 {bad = 1} END {exit !bad}' "$results"; then
  fail "a measurement had no response, or responses that were not the expected ones (see above)"
fi
