#!/usr/bin/env bash
# Checks the release configuration (.goreleaser.yaml) and builds a snapshot:
# the linux/amd64 and linux/arm64 archives in dist/, without publishing and
# without the container images (they need a Docker engine; with one, drop
# --skip=docker). Installs the pinned goreleaser with `go install` when it
# is not on PATH. Then it runs `tracegraph version` of the amd64 binary.
# Not part of .ci/run: it compiles goreleaser (minutes) the first time.
set -euo pipefail
cd "$(dirname "$0")/.."
GORELEASER_VERSION=v2.15.1
if ! command -v goreleaser >/dev/null; then
  GOBIN="${GOBIN:-$(go env GOPATH)/bin}"
  if [ ! -x "$GOBIN/goreleaser" ]; then
    echo "== installing goreleaser $GORELEASER_VERSION"
    GOFLAGS=-buildvcs=false go install "github.com/goreleaser/goreleaser/v2@$GORELEASER_VERSION"
  fi
  PATH="$GOBIN:$PATH"
fi
echo "== goreleaser check"
goreleaser check
echo "== snapshot build (no publishing, no images)"
goreleaser release --snapshot --clean --skip=docker,publish
bin=$(find dist -path '*amd64*' -type f -name tracegraph | head -1)
"$bin" version
