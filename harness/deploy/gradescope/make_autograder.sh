#!/usr/bin/env bash
# Builds the Gradescope autograder zip: setup.sh, run_autograder and assignment.env at its top,
# sockspec/ (a copy of this repository: harness, suites, fixtures, reports, deno.json, deno.lock)
# beside them, and any extra files (a rubric, a profile module) in the top folder too; Gradescope
# unpacks it into /autograder/source.
#
#   harness/deploy/gradescope/make_autograder.sh autograder.zip [ASSIGNMENT.env] [EXTRA FILE...]
set -euo pipefail

if [ $# -lt 1 ]; then
  echo "usage: $0 OUT.zip [ASSIGNMENT.env] [EXTRA FILE...]" >&2
  exit 2
fi
OUT="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
shift
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../../.." && pwd)"
ASSIGNMENT="${1:-$HERE/assignment.env}"
[ $# -gt 0 ] && shift

STAGE="$(mktemp -d)"
trap 'rm -rf "$STAGE"' EXIT
cp "$HERE/setup.sh" "$HERE/run_autograder" "$STAGE/"
cp "$ASSIGNMENT" "$STAGE/assignment.env"
for extra in "$@"; do cp "$extra" "$STAGE/"; done
mkdir "$STAGE/sockspec"
cp -R "$REPO/harness" "$REPO/suites" "$REPO/fixtures" "$REPO/reports" "$REPO/deno.json" \
  "$REPO/deno.lock" "$STAGE/sockspec/"
rm -f "$OUT"
(cd "$STAGE" && zip -qr "$OUT" .)
echo "wrote $OUT"
