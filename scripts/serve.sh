#!/usr/bin/env bash
# Vigie — the web application on the embedded default (SQLite and a local folder in the data
# directory, http://127.0.0.1:8080), from a fresh Debian machine with Rust (rustup):
#
#   bash scripts/serve.sh [vigie serve options…]
#
# Installs what the build needs when it is missing (pkg-config and the OpenSSL headers, for the
# passkeys' webauthn-rs), then builds and starts `vigie serve`. The first start prints the
# one-time installation link.
set -euo pipefail
cd "$(dirname "$0")/.."
missing=()
command -v cc >/dev/null || missing+=(build-essential)
command -v pkg-config >/dev/null || missing+=(pkg-config)
pkg-config --exists openssl 2>/dev/null || missing+=(libssl-dev)
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installation des paquets nécessaires à la compilation : ${missing[*]}"
  sudo=(); [ "$(id -u)" -ne 0 ] && sudo=(sudo)
  "${sudo[@]}" apt-get update -q
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
command -v cargo >/dev/null || { echo "cargo est introuvable : installez Rust (https://rustup.rs) puis relancez." >&2; exit 1; }
exec cargo run --release -- serve "$@"
