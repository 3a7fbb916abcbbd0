#!/usr/bin/env bash
# Runs every fuzz target of the module for a short time (FUZZTIME, default
# 2s each): `make test` runs it so that every parser is fuzzed a little on
# every change; the seed corpora are each package's testdata/fuzz/. A
# failure leaves the failing input under testdata/fuzz/FuzzXxx and exits 1.
# New inputs are minimized for at most FUZZMINIMIZE runs (default 100x): Go's
# default, a minute per input, would spend the whole short run minimizing
# the first interesting input of a slow target (FuzzWARC did).
set -euo pipefail
cd "$(dirname "$0")/.."
t=${FUZZTIME:-2s}
n=0
while IFS= read -r line; do
  file=${line%%:*}
  name=$(sed -E 's/^.*func (Fuzz[A-Za-z0-9_]+)\(.*/\1/' <<<"$line")
  pkg=./$(dirname "$file")
  echo "fuzz: $pkg $name ($t)"
  go test -run '^$' -fuzz "^${name}\$" -fuzztime "$t" -fuzzminimizetime "${FUZZMINIMIZE:-100x}" "$pkg" >/tmp/jacorpus-fuzz.$$.log 2>&1 || {
    # Go's coordinator can report the end of -fuzztime that falls during a
    # minimization as "context deadline exceeded", with no failing input:
    # that is not a finding.
    if grep -q 'context deadline exceeded' /tmp/jacorpus-fuzz.$$.log && ! grep -q 'Failing input written' /tmp/jacorpus-fuzz.$$.log; then
      echo "fuzz: $pkg $name: fuzz time ended while minimizing a new input (no failure)"
    else
      cat /tmp/jacorpus-fuzz.$$.log; rm -f /tmp/jacorpus-fuzz.$$.log
      echo "fuzz: $pkg $name failed" >&2; exit 1
    fi; }
  n=$((n+1))
done < <(git ls-files '*_test.go' | xargs grep -H '^func Fuzz[A-Za-z0-9_]*(f \*testing.F)' | sort)
rm -f /tmp/jacorpus-fuzz.$$.log
echo "fuzz: $n targets, $t each"
