#!/usr/bin/env bash
# Tests the web app: Vitest (layout, precision styles, recall tallies, every
# operation against the schema), then the end-to-end suite in a real browser
# (Debian's chromium driven by playwright-core; Playwright's own browser
# download does not work here) against the real tracegraph binary.
# UPDATE_DOCS=1 also writes the README's screenshots to docs/img/.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null; then
  echo "chromium missing: installing Debian's chromium"
  apt-get update -qq && apt-get install -y -qq chromium >/dev/null
fi
bin_dir=$(mktemp -d)
trap 'rm -rf "$bin_dir"' EXIT
go build -o "$bin_dir/tracegraph" ./cmd/tracegraph
cd web
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
npx vitest run
TRACEGRAPH_BIN="$bin_dir/tracegraph" CHROMIUM="$(command -v chromium)" node --test e2e/
