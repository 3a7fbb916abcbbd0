#!/usr/bin/env bash
# Installs what `make test` needs when it is missing: the Go toolchain's module
# downloads, DuckDB for Node (npm @duckdb/node-api, the version pinned in
# scripts/duckdb/package-lock.json, into scripts/duckdb/node_modules) and
# qemu-user (Debian qemu-user-static, to run the linux/arm64 build) and Slurm
# with munge (scripts/slurm.sh install: Debian slurmctld, slurmd,
# slurm-client, munge) and Chromium (Debian chromium, for the report's
# browser test). Later issues add MeCab here, behind a "missing?" check. With CI=true a missing tool that cannot be installed is an
# error; otherwise the tests that need it are skipped.
set -euo pipefail
cd "$(dirname "$0")/.."

need() { command -v "$1" >/dev/null 2>&1; }

# unavailable reports a tool that is missing and could not be installed.
unavailable() {
  if [ "${CI:-}" = true ]; then
    echo "test-deps: $1" >&2
    exit 1
  fi
  echo "test-deps: $1; the tests that need it are skipped" >&2
}

if ! need go; then
  if [ -x /usr/local/go/bin/go ]; then
    echo "test-deps: go is at /usr/local/go/bin but not on PATH; add it (export PATH=/usr/local/go/bin:\$PATH)" >&2
  else
    echo "test-deps: the Go toolchain is missing; install Go $(awk '/^go /{print $2}' go.mod) or newer" >&2
  fi
  exit 1
fi
go mod download

# DuckDB for internal/interop's read-back check. query.mjs --version fails
# when the package is absent, broken or not the pinned version.
duckdb_ok() { node scripts/duckdb/query.mjs --version >/dev/null 2>&1; }
if { ! need node || ! need npm; } && need apt-get; then
  echo "test-deps: installing Node.js (Debian nodejs, npm) for the DuckDB check" >&2
  sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q nodejs npm >/dev/null 2>&1 ||
    { $sudo apt-get update -q >/dev/null 2>&1 && $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q nodejs npm >/dev/null 2>&1; } || true
fi
if ! need node || ! need npm; then
  unavailable "node and npm are missing (install Node.js 20 or newer) for the DuckDB check"
elif ! duckdb_ok; then
  echo "test-deps: installing @duckdb/node-api into scripts/duckdb/node_modules" >&2
  if ! (cd scripts/duckdb && npm ci --no-audit --no-fund --loglevel=error) || ! duckdb_ok; then
    unavailable "could not install @duckdb/node-api (scripts/duckdb: npm ci)"
  fi
fi

# qemu-user for internal/interop's cross-architecture test: it runs the
# linux/arm64 build (Fugaku) on the sample under qemu-aarch64-static on an
# amd64 host (the amd64 build under qemu-x86_64-static on an arm64 one),
# calling the emulator directly: binfmt is not needed.
case $(uname -m) in
  x86_64) qemu="qemu-aarch64" ;;
  aarch64 | arm64) qemu="qemu-x86_64" ;;
  *) qemu="" ;;
esac
if [ -n "$qemu" ]; then
  qemu_ok() { need "$qemu-static" || need "$qemu"; }
  if ! qemu_ok && need apt-get; then
    echo "test-deps: installing qemu-user-static for the cross-architecture test" >&2
    sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q qemu-user-static >/dev/null 2>&1 ||
      { $sudo apt-get update -q >/dev/null 2>&1 && $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q qemu-user-static >/dev/null 2>&1; } || true
  fi
  if ! qemu_ok; then
    unavailable "$qemu-static is missing (install Debian qemu-user-static) for the cross-architecture test"
  fi
fi

# Slurm and munge for the scheduler test, which runs jobs on a real
# single-node cluster on localhost. Only the packages here: the test starts
# the daemons itself (scripts/slurm.sh start). slurmctld, slurmd and munged
# live in /usr/sbin, often not on a user's PATH.
slurm_ok() {
  need sbatch && { need slurmctld || [ -x /usr/sbin/slurmctld ]; } &&
    { need slurmd || [ -x /usr/sbin/slurmd ]; } && [ -x /usr/sbin/munged ]
}
if ! slurm_ok && need apt-get; then
  echo "test-deps: installing Slurm and munge (scripts/slurm.sh install) for the Slurm test" >&2
  if ! log=$(scripts/slurm.sh install 2>&1); then
    printf '%s\n' "$log" | tail -n 5 >&2
  fi
fi
if ! slurm_ok; then
  unavailable "Slurm is missing (scripts/slurm.sh install: Debian slurmctld, slurmd, slurm-client, munge) for the Slurm test"
fi

# Chromium for the report's browser test (report/browser_test.go): it loads
# the sample run's report.html headless, checks the console and the charts
# in the DOM and saves a screenshot.
chromium_ok() { need chromium || need chromium-browser || need google-chrome || need google-chrome-stable; }
if ! chromium_ok && need apt-get; then
  echo "test-deps: installing Chromium (Debian chromium) for the report's browser test" >&2
  sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null 2>&1 ||
    { $sudo apt-get update -q >/dev/null 2>&1 && $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null 2>&1; } || true
fi
if ! chromium_ok; then
  unavailable "chromium is missing (install Debian chromium) for the report's browser test"
fi
