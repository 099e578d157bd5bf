#!/usr/bin/env bash
# Installs what the end-to-end tests need, outside the project's node_modules: Debian's chromium
# (driven by playwright-core) and code-server 4.100.3 (VS Code 1.100.3, the newest for Node 20).
# Idempotent: every step is skipped when its result is already there. Works as root on a fresh
# machine that reaches only the npm registry and Debian's mirrors.
# Prints the code-server binary path as its last line.
set -euo pipefail

CODE_SERVER_VERSION=4.100.3
CACHE="${LOUPE_E2E_CACHE:-${HOME:-/root}/.cache/loupe-e2e}"
PREFIX="$CACHE/code-server-$CODE_SERVER_VERSION"
BIN="$PREFIX/node_modules/.bin/code-server"

log() { echo "[e2e-setup] $*" >&2; }

# 1. apt packages: chromium (the browser), libkrb5-dev + pkg-config (a native dependency of
#    code-server builds against kerberos), ripgrep (seeds @vscode/ripgrep, which would download rg).
missing=()
for pkg in chromium libkrb5-dev pkg-config ripgrep; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if ((${#missing[@]})); then
  log "installing apt packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  apt_log="$(mktemp)"
  if ! { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq \
      --no-install-recommends "${missing[@]}"; } >"$apt_log" 2>&1; then
    tail -n 30 "$apt_log" >&2; log "apt-get failed (full log: $apt_log)"; exit 1
  fi
  rm -f "$apt_log"
else
  log "apt packages present"
fi

# 2. code-server into its own prefix, so `npm ci` for the extension stays lean.
# Read the version from package.json: `code-server --version` writes a config into $HOME.
installed_version() {
  node -p "require('$PREFIX/node_modules/code-server/package.json').version" 2>/dev/null || true
}
if [ -x "$BIN" ] && [ "$(installed_version)" = "$CODE_SERVER_VERSION" ]; then
  log "code-server $CODE_SERVER_VERSION present at $BIN"
else
  log "installing code-server@$CODE_SERVER_VERSION into $PREFIX"
  mkdir -p "$PREFIX"
  # @vscode/ripgrep's postinstall downloads rg unless its cache already holds the tarball.
  RG_TMP="$CACHE/tmp"
  RG_CACHE="$RG_TMP/vscode-ripgrep-cache-1.15.11"
  RG_TAR="$RG_CACHE/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"
  if [ ! -s "$RG_TAR" ]; then
    mkdir -p "$RG_CACHE"
    stage="$(mktemp -d)"
    cp "$(command -v rg)" "$stage/rg"
    tar -czf "$RG_TAR" -C "$stage" rg
    rm -rf "$stage"
  fi
  [ -f "$PREFIX/package.json" ] || echo '{"name":"loupe-e2e-code-server","private":true}' > "$PREFIX/package.json"
  # As root, code-server's install script refuses without unsafe-perm; it also runs `npx node-gyp`.
  (
    cd "$PREFIX"
    TMPDIR="$RG_TMP" npm_config_unsafe_perm=true npm_config_yes=true \
      npm install --no-audit --no-fund --loglevel=error "code-server@$CODE_SERVER_VERSION" >&2
  )
  [ -x "$BIN" ] || { log "code-server did not install: $BIN missing"; exit 1; }
fi

echo "$BIN"
