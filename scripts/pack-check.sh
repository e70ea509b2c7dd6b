#!/usr/bin/env bash
# The package as users get it: `npm pack`, install the tarball globally into a temporary
# prefix (better-sqlite3 compiles there), then run `plexodus --help`, `demo` (with its report)
# and `inspect` from outside the source tree. Fails when package.json "files" misses something needed at
# run time. Called by .ci/run after the tests; prints how long each step took.
set -euo pipefail
cd "$(dirname "$0")/.."

work="$(mktemp -d "${TMPDIR:-/tmp}/plexodus-pack-XXXXXX")"
trap 'rm -rf "$work"' EXIT
step() { printf '%s pack-check: %s\n' "$(date +%T)" "$*"; }
started=$SECONDS

# Node's own headers, so better-sqlite3 builds without downloading them.
nodedir=()
if [[ -d /usr/include/node ]]; then nodedir=(--nodedir=/usr); fi

step "npm pack"
tarball="$(npm pack --silent --pack-destination "$work" | tail -n 1)"
step "packed $tarball ($(du -h "$work/$tarball" | cut -f1)); installing into a temporary prefix"
# JOBS=max: node-gyp compiles SQLite on every core (the longest step by far).
JOBS=max npm install --global --prefix "$work/prefix" --no-audit --no-fund "${nodedir[@]}" "$work/$tarball" \
  >"$work/install.log" 2>&1 ||
  { cat "$work/install.log"; exit 1; }
plexodus="$work/prefix/bin/plexodus"
step "installed after $((SECONDS - started)) s"

# Run from an empty folder with a clean environment, as a user would.
mkdir "$work/run"
cd "$work/run"
run() { env -i PATH="$work/prefix/bin:$PATH" HOME="$work/run" "$@"; }

step "plexodus --help"
run "$plexodus" --help | grep -q "Usage: plexodus"

step "plexodus demo"
run "$plexodus" demo --kind jellyfin --keep --report report.html >"$work/demo.txt"
grep -q "No drift" "$work/demo.txt"
grep -q "^<!doctype html>" report.html
# "Demo files kept in FOLDER: file, file, …"
folder="$(sed -n 's/^Demo files kept in \(.*\): .*$/\1/p' "$work/demo.txt")"
test -f "$folder/com.plexapp.plugins.library.db"

step "plexodus inspect"
run "$plexodus" inspect --plex-db "$folder/com.plexapp.plugins.library.db" >"$work/inspect.txt"
grep -q "^Users:" "$work/inspect.txt"
rm -rf "$folder"

step "ok: packed, installed and ran in $((SECONDS - started)) s"
