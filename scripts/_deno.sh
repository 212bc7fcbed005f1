#!/usr/bin/env bash
# Shared by the launchers: finds a Deno 2.9+ binary, or installs Deno 2.9.6 from npm into a cache
# directory outside the checkout (reused on later calls). A fresh machine needs only Node/npm.
# Sets ODW_DENO_BIN and ODW_ROOT (the checkout root). Every launch runs this, so it forks as little as
# it can: bash globs and builtins in place of ls, cat, basename and command substitutions.
set -euo pipefail
ODW_ROOT="$(cd -P "${BASH_SOURCE[0]%/*}/.." && pwd)"
export ODW_ROOT
# Sets ODW_DENO_BIN, or says why there is no Deno and returns 1.
odw_find_deno() {
  if [ -n "${ODW_DENO:-}" ] && [ -x "${ODW_DENO}" ]; then ODW_DENO_BIN="$ODW_DENO"; return 0; fi
  local on_path version
  # 2.9 or newer: the launch flags (ODW_BUNDLE_FLAGS) need it.
  if on_path="$(command -v deno)" && version="$("$on_path" --version 2>/dev/null)" \
    && [[ $version =~ ^deno\ 2\.([0-9]+)\. ]] && ((BASH_REMATCH[1] >= 9)); then
    ODW_DENO_BIN="$on_path"
    return 0
  fi
  local cache="${ODW_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/odw}/deno-2.9.6"
  local found=("$cache"/node_modules/@deno/*/deno)
  if [ ! -x "${found[0]}" ]; then
    if ! command -v npm >/dev/null 2>&1; then
      echo "odw: Deno 2.9+ is not on PATH and npm is missing; install Node.js/npm or Deno 2.9+" >&2
      return 1
    fi
    echo "odw: installing Deno 2.9.6 from npm into $cache (once)" >&2
    mkdir -p "$cache"
    npm install --silent --no-audit --no-fund --prefix "$cache" deno@2.9.6 >&2
    found=("$cache"/node_modules/@deno/*/deno)
    if [ ! -x "${found[0]}" ]; then echo "odw: npm did not install a Deno binary for this platform" >&2; return 1; fi
  fi
  ODW_DENO_BIN="${found[0]}"
}
odw_find_deno
export ODW_DENO_BIN
# How the launchers run a bundle (after `run -A`): a dynamic import loads when it runs, not at start-up
# (--unstable-lazy-dynamic-imports), so a command reads only the chunks it uses.
ODW_BUNDLE_FLAGS=(--quiet --no-config --unstable-lazy-dynamic-imports)

# odw_bundle NAME ENTRY: sets ODW_BUNDLE to a code-split bundle of $ODW_ROOT/ENTRY (`deno bundle
# --code-splitting`: a command loads only the chunks it needs), building it on first use and again when
# a source is newer than the bundle. Builds live in $ODW_ROOT/dist/launch/NAME-<id>/ and NAME.current
# names the newest. A build is never changed once made, and never removed while in use: a running odw
# may load chunks from it at any time, so the launcher holds a shared flock(1) on the build's .stamp on
# fd 9, which the program it execs inherits, and a later build removes an older one only when it can
# lock it exclusively (without flock(1), only builds older than a week are removed). While another
# launcher builds, or when bundling fails (e.g. a read-only checkout), ODW_BUNDLE is empty and the
# caller runs the sources. ODW_FROM_SOURCE=1 skips bundles.
odw_bundle() {
  local name=$1 entry=$2
  ODW_BUNDLE=""
  [ -n "${ODW_FROM_SOURCE:-}" ] && return 0
  local root="$ODW_ROOT/dist/launch" out="${entry##*/}" id=""
  out="${out%.ts}.js"
  [ -f "$root/$name.current" ] && read -r id <"$root/$name.current"
  local current="$root/$id"
  if [ -n "$id" ] && [ -f "$current/.stamp" ] && [ -f "$current/$out" ] && [ -z "$(find \
    "$ODW_ROOT/src" "$ODW_ROOT/pandacode" "$ODW_ROOT/skills" "$ODW_ROOT/deno.json" "$ODW_ROOT/deno.lock" \
    "$ODW_ROOT/odw.d.ts" -newer "$current/.stamp" -print -quit 2>/dev/null)" ]; then
    odw_hold_build "$current" "$out"
    return 0
  fi
  mkdir -p "$root" 2>/dev/null || return 0
  local lock="$root/.lock-$name"
  # A lock left by a builder that died is taken over after five minutes.
  find "$lock" -maxdepth 0 -mmin +5 -exec rm -rf {} + 2>/dev/null || true
  mkdir "$lock" 2>/dev/null || return 0
  id="$name-$(date +%s)-$$"
  local tmp="$root/.build-$id"
  # The stamp is older than the build: a source saved while bundling makes the next launch rebuild.
  if mkdir "$tmp" && touch "$tmp/.stamp" && "$ODW_DENO_BIN" bundle --quiet --platform deno --code-splitting \
    --config "$ODW_ROOT/deno.json" --outdir "$tmp" "$ODW_ROOT/$entry" >"$tmp/.log" 2>&1 \
    && [ -f "$tmp/$out" ] && odw_lazy_require "$tmp" && mv "$tmp" "$root/$id"; then
    echo "$id" >"$root/.$name.current.$$" && mv -f "$root/.$name.current.$$" "$root/$name.current"
    odw_hold_build "$root/$id" "$out"
    odw_remove_old_builds "$root" "$name" "$id"
  else
    rm -rf "$tmp"
  fi
  rmdir "$lock" 2>/dev/null || true
  return 0
}

# odw_lazy_require DIR: `deno bundle` gives CommonJS code a require() made by node:module's
# createRequire, imported by the helper chunk every chunk imports, so every start loaded Node's compat
# layer (~10 ms) for the few commands that ever require() (NATS, pandacode's runtimes). This makes
# the helper make it on the first require() instead (process.getBuiltinModule). Other output is left as
# it is.
odw_lazy_require() {
  local import='import { createRequire as __deno_internal_createRequire } from "node:module";'
  local lazy='const __deno_internal_createRequire = (url) => { let load; return (id) => (load ??= process.getBuiltinModule("node:module").createRequire(url))(id); };'
  local files
  files="$(grep -lxF "$import" "$1"/*.js)" || return 0
  # shellcheck disable=SC2086 # chunk names have no spaces
  sed -i "s|^${import}\$|${lazy}|" $files
}

# odw_hold_build DIR OUT: takes a shared lock on DIR/.stamp on fd 9 (inherited by what the launcher
# execs, so the build stays while the program runs) and sets ODW_BUNDLE to DIR/OUT, or to nothing when
# the build was removed meanwhile.
odw_hold_build() {
  if command -v flock >/dev/null 2>&1; then
    # In braces: `exec` with a redirection of its own would keep stderr on /dev/null for good.
    { exec 9<"$1/.stamp"; } 2>/dev/null && flock -s -w 10 9 2>/dev/null || return 0
  fi
  [ -f "$1/$2" ] && ODW_BUNDLE="$1/$2"
  return 0
}

# odw_remove_old_builds ROOT NAME KEEP: removes NAME's builds other than KEEP that nothing runs from
# (an exclusive flock on their .stamp succeeds) and that are more than ten minutes old (a launcher may
# have just read the pointer to one); without flock(1), those more than a week old.
odw_remove_old_builds() {
  local dir
  for dir in "$1/$2"-*; do
    [ -d "$dir" ] && [ "${dir##*/}" != "$3" ] || continue
    if command -v flock >/dev/null 2>&1; then
      [ -n "$(find "$dir" -maxdepth 0 -mmin +10 2>/dev/null)" ] || continue
      flock -x -n "$dir/.stamp" rm -rf "$dir" 2>/dev/null || true
    else
      find "$dir" -maxdepth 0 -mmin +10080 -exec rm -rf {} + 2>/dev/null || true
    fi
  done
}
