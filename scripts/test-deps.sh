#!/usr/bin/env bash
# Installs what `make test` needs when it is missing. Today that is only the Go
# toolchain's module downloads; later issues add Slurm/munge (apt-get), MeCab,
# Chromium and DuckDB (npm) here, each behind a "missing?" check.
# With CI=true a missing tool that cannot be installed is an error.
set -euo pipefail
cd "$(dirname "$0")/.."

need() { command -v "$1" >/dev/null 2>&1; }

if ! need go; then
  if [ -x /usr/local/go/bin/go ]; then
    echo "test-deps: go is at /usr/local/go/bin but not on PATH; add it (export PATH=/usr/local/go/bin:\$PATH)" >&2
  else
    echo "test-deps: the Go toolchain is missing; install Go $(awk '/^go /{print $2}' go.mod) or newer" >&2
  fi
  exit 1
fi
go mod download
