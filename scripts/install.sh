#!/usr/bin/env bash
# Puts `odw` and `pandacode` on PATH: in --prefix DIR (default ~/.local/bin) each is the compiled binary
# for this machine when `deno task compile` built one (dist/<name>-<target>), else a two-line launcher
# that runs this checkout's scripts/<name> over the bootstrapped Deno. Says where Deno lives, and
# whether DIR is on PATH. Run it again after moving the checkout; it replaces only what it wrote.
set -euo pipefail
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/_deno.sh"

prefix="${HOME}/.local/bin"
while [ "$#" -gt 0 ]; do
  case "$1" in
    --prefix) [ "$#" -ge 2 ] || { echo "install.sh: --prefix needs a directory" >&2; exit 2; }; prefix="$2"; shift 2 ;;
    --prefix=*) prefix="${1#--prefix=}"; shift ;;
    -h|--help) echo "Usage: scripts/install.sh [--prefix DIR]   (default ~/.local/bin)"; exit 0 ;;
    *) echo "install.sh: unknown argument \"$1\" (try --help)" >&2; exit 2 ;;
  esac
done

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) target=x86_64-unknown-linux-gnu ;;
  Linux-aarch64|Linux-arm64) target=aarch64-unknown-linux-gnu ;;
  Darwin-x86_64) target=x86_64-apple-darwin ;;
  Darwin-arm64) target=aarch64-apple-darwin ;;
  *) target=none ;;
esac

mkdir -p "$prefix" || { echo "install.sh: cannot create $prefix" >&2; exit 1; }
marker="# installed by odw's scripts/install.sh"
manifest="$prefix/.odw-installed"   # the files this script wrote (a compiled binary carries no marker)
for name in odw pandacode; do
  dest="$prefix/$name"
  if [ -e "$dest" ] && ! grep -qF "$marker" "$dest" 2>/dev/null && ! grep -qxF "$dest" "$manifest" 2>/dev/null; then
    echo "install.sh: $dest exists and is not ours; left as it is (remove it and run again)" >&2
    exit 1
  fi
  if [ -x "$ODW_ROOT/dist/$name-$target" ]; then
    cp "$ODW_ROOT/dist/$name-$target" "$dest.tmp.$$" && mv -f "$dest.tmp.$$" "$dest"
    grep -qxF "$dest" "$manifest" 2>/dev/null || echo "$dest" >>"$manifest"
    echo "$dest: the compiled binary dist/$name-$target"
    if [ "$name" = odw ] && ! command -v deno >/dev/null 2>&1; then
      echo "note: the compiled odw runs its sandbox with Deno: export ODW_DENO=$ODW_DENO_BIN (or put deno on PATH)"
    fi
  else
    printf '#!/usr/bin/env bash\n%s\nexec %q "$@"\n' "$marker" "$ODW_ROOT/scripts/$name" >"$dest.tmp.$$"
    chmod +x "$dest.tmp.$$" && mv -f "$dest.tmp.$$" "$dest"
    echo "$dest: a launcher of $ODW_ROOT/scripts/$name"
  fi
done
echo "Deno: $ODW_DENO_BIN ($("$ODW_DENO_BIN" --version | head -n1))"
case ":$PATH:" in
  *":$prefix:"*) ;;
  *) echo "note: $prefix is not on PATH; add it, e.g. export PATH=\"$prefix:\$PATH\"" ;;
esac
