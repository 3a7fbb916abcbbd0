#!/usr/bin/env bash
# Cross-compiles static jacorpus binaries (CGO_ENABLED=0) into dist/:
# jacorpus-linux-amd64 (ABCI, most clusters) and jacorpus-linux-arm64
# (Fugaku's A64FX nodes), plus SHA256SUMS. `make release` runs it.
# internal/interop's TestCrossArch checks that both write the same dataset.
set -euo pipefail
cd "$(dirname "$0")/.."

GO=${GO:-go}
DIST=${DIST:-dist}
PLATFORMS=${PLATFORMS:-linux/amd64 linux/arm64}

command -v "$GO" >/dev/null 2>&1 || { echo "release: $GO not found (export PATH=/usr/local/go/bin:\$PATH)" >&2; exit 1; }
command -v file >/dev/null 2>&1 || { echo "release: file(1) is needed to check that the binaries are static (Debian: apt-get install file)" >&2; exit 1; }

mkdir -p "$DIST"
rm -f "$DIST"/jacorpus-* "$DIST"/SHA256SUMS
names=()
for p in $PLATFORMS; do
  os=${p%/*} arch=${p#*/}
  name=jacorpus-$os-$arch
  # -buildvcs=auto: record the commit (jacorpus version prints it) even when
  # GOFLAGS says -buildvcs=false; outside a git checkout nothing is recorded.
  CGO_ENABLED=0 GOOS=$os GOARCH=$arch "$GO" build -trimpath -buildvcs=auto -ldflags "-s -w" \
    -o "$DIST/$name" ./cmd/jacorpus || { echo "release: go build for $p failed" >&2; exit 1; }
  desc=$(file -b "$DIST/$name")
  case $desc in
    *"statically linked"*) ;;
    *) echo "release: $DIST/$name is not statically linked: $desc" >&2; exit 1 ;;
  esac
  echo "$DIST/$name: $desc" | cut -d, -f1-2,4 >&2
  names+=("$name")
done
(cd "$DIST" && sha256sum "${names[@]}" >SHA256SUMS)
cat "$DIST/SHA256SUMS"
