#!/usr/bin/env bash
# sockspec's Gradescope autograder, image setup: runs once when Gradescope builds the image (as
# root, on its Ubuntu base). Installs a C compiler and make, util-linux (setsid, prlimit), Node's
# npm and from it Deno 2.9.6, then caches sockspec's own dependencies so grading needs no network.
#
# The autograder zip holds this file, run_autograder, assignment.env and sockspec/ (a copy of
# this repository); make_autograder.sh builds it.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SOCKSPEC_HOME="${SOCKSPEC_HOME:-$HERE/sockspec}"
DENO_VERSION="${DENO_VERSION:-2.9.6}"

export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends build-essential util-linux ca-certificates nodejs npm
npm install --global "deno@${DENO_VERSION}"

export DENO_DIR="$SOCKSPEC_HOME/.deno"
deno cache --config "$SOCKSPEC_HOME/deno.json" "$SOCKSPEC_HOME/harness/cli/conform.ts"
deno --version
