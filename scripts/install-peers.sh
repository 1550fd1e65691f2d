#!/usr/bin/env bash
# Installs the pinned Node.js peers (tests/peers) from the lockfile when they are missing.
set -euo pipefail
cd "$(dirname "$0")/../tests/peers"
if [ ! -f package.json ]; then
  exit 0
fi
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
