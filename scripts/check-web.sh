#!/usr/bin/env bash
# Rebuilds the web app (web/) from its sources and package-lock.json and
# fails when the result differs from the committed web/dist, which the Go
# binary embeds: a change to web/src must come with its rebuilt bundle.
set -euo pipefail
cd "$(dirname "$0")/../web"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
npm run build >/dev/null
cd ..
# Ignored files count too: the binary embeds whatever the build wrote, so a
# built file that git does not keep would be missing from a fresh clone.
if ! git diff --quiet --exit-code -- web/dist || [ -n "$(git ls-files --others web/dist)" ]; then
  echo "web/dist differs from a fresh build of web/src: run 'cd web && npm ci && npm run build' and commit web/dist" >&2
  git status --short --ignored -- web/dist >&2
  exit 1
fi
echo "web/dist matches its sources"
