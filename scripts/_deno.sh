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

# odw_bundle NAME ENTRY: prints the path of a code-split bundle of $ODW_ROOT/ENTRY (`deno bundle
# --code-splitting`: a command loads only the chunks it needs), building it on first use and again when
# a source is newer than the bundle. Builds live in $ODW_ROOT/dist/launch/NAME-<id>/ (never changed once
# made: a running odw may still load chunks from its build) and NAME.current names the newest; builds
# older than an hour are removed. While another launcher builds, or when bundling fails (e.g. a
# read-only checkout), prints nothing and the caller runs the sources. ODW_FROM_SOURCE=1 skips bundles.
odw_bundle() {
  local name=$1 entry=$2
  [ -n "${ODW_FROM_SOURCE:-}" ] && return 0
  local root="$ODW_ROOT/dist/launch" out
  out="$(basename "$entry" .ts).js"
  local current=""
  [ -f "$root/$name.current" ] && current="$root/$(cat "$root/$name.current" 2>/dev/null)"
  if [ -n "$current" ] && [ -f "$current/.stamp" ] && [ -f "$current/$out" ] && [ -z "$(find \
    "$ODW_ROOT/src" "$ODW_ROOT/pandacode" "$ODW_ROOT/skills" "$ODW_ROOT/deno.json" "$ODW_ROOT/deno.lock" \
    "$ODW_ROOT/odw.d.ts" -newer "$current/.stamp" -print -quit 2>/dev/null)" ]; then
    echo "$current/$out"
    return 0
  fi
  mkdir -p "$root" 2>/dev/null || return 0
  local lock="$root/.lock-$name"
  # A lock left by a builder that died is taken over after five minutes.
  find "$lock" -maxdepth 0 -mmin +5 -exec rm -rf {} + 2>/dev/null || true
  mkdir "$lock" 2>/dev/null || return 0
  local id
  id="$(date +%s)-$$"
  local tmp="$root/.build-$name-$id"
  # The stamp is older than the build: a source saved while bundling makes the next launch rebuild.
  if mkdir "$tmp" && touch "$tmp/.stamp" && "$ODW_DENO_BIN" bundle --quiet --platform deno --code-splitting \
    --config "$ODW_ROOT/deno.json" --outdir "$tmp" "$ODW_ROOT/$entry" >"$tmp/.log" 2>&1 \
    && [ -f "$tmp/$out" ] && mv "$tmp" "$root/$name-$id"; then
    echo "$name-$id" >"$root/.$name.current.$$" && mv -f "$root/.$name.current.$$" "$root/$name.current"
    find "$root" -maxdepth 1 -name "$name-*" ! -name "$name-$id" -mmin +60 -exec rm -rf {} + 2>/dev/null || true
    rmdir "$lock" 2>/dev/null || true
    echo "$root/$name-$id/$out"
    return 0
  fi
  rm -rf "$tmp"
  rmdir "$lock" 2>/dev/null || true
  return 0
}
