#!/usr/bin/env bash
# Regenerates the gqlgen code (go generate ./graph/...) and fails when the
# committed output differs: generated code is never edited by hand, and must
# match graph/schema/*.graphqls and gqlgen.yml. Works offline (gqlgen is pinned
# in go.mod and runs from the module cache).
set -euo pipefail
cd "$(dirname "$0")/.."
go generate ./graph/...
if ! git diff --exit-code -- graph/ gqlgen.yml; then
  echo "check-generated: graph/ is stale; run 'go generate ./graph/...' and commit the result" >&2
  exit 1
fi
untracked=$(git ls-files --others --exclude-standard -- graph/)
if [ -n "$untracked" ]; then
  echo "check-generated: generation wrote files that are not committed:" >&2
  echo "$untracked" >&2
  exit 1
fi
echo "check-generated: graph/ is current"
