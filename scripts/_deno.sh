#!/usr/bin/env bash
# Shared by the launchers: finds a Deno 2.x binary, or installs Deno 2.9.6 from npm into a cache
# directory outside the checkout (reused on later calls). A fresh machine needs only Node/npm.
# Sets ODW_DENO_BIN and ODW_ROOT (the checkout root).
set -euo pipefail
ODW_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export ODW_ROOT
odw_find_deno() {
  if [ -n "${ODW_DENO:-}" ] && [ -x "${ODW_DENO}" ]; then echo "$ODW_DENO"; return 0; fi
  if command -v deno >/dev/null 2>&1 && deno --version 2>/dev/null | head -n1 | grep -q '^deno 2\.'; then
    command -v deno; return 0
  fi
  local cache="${ODW_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/odw}/deno-2.9.6"
  local found
  found=$(ls "$cache"/node_modules/@deno/*/deno 2>/dev/null | head -n1 || true)
  if [ -z "$found" ]; then
    if ! command -v npm >/dev/null 2>&1; then
      echo "odw: Deno is not on PATH and npm is missing; install Node.js/npm or Deno 2.x" >&2
      return 1
    fi
    echo "odw: installing Deno 2.9.6 from npm into $cache (once)" >&2
    mkdir -p "$cache"
    npm install --silent --no-audit --no-fund --prefix "$cache" deno@2.9.6 >&2
    found=$(ls "$cache"/node_modules/@deno/*/deno 2>/dev/null | head -n1 || true)
    if [ -z "$found" ]; then echo "odw: npm did not install a Deno binary for this platform" >&2; return 1; fi
  fi
  echo "$found"
}
ODW_DENO_BIN="$(odw_find_deno)"
export ODW_DENO_BIN
