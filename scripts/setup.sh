#!/usr/bin/env bash
# One-time setup used by the README's commands and by CI: npm dependencies and the build.
# Idempotent: re-running it is cheap.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
npm run build --silent
