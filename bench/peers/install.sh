#!/usr/bin/env bash
# Installs the pinned bench peers from package-lock.json, then builds zlib-sync's native addon
# from source against the system Node headers (/usr/include/node), so nothing is downloaded.
set -euo pipefail
cd "$(dirname "$0")"

# npm 11 skips dependencies' install scripts until approved; the addon is built explicitly below.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules ]; then
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
fi

addon=node_modules/zlib-sync/build/Release/zlib_sync.node
if [ ! -f "$addon" ] || ! node -e "require('zlib-sync')" 2>/dev/null; then
  if [ ! -f /usr/include/node/node.h ]; then
    echo "install.sh: Node headers missing in /usr/include/node (they come with the Node.js package)" >&2
    exit 1
  fi
  npm rebuild zlib-sync --nodedir=/usr --loglevel=error
fi
node -e "require('zlib-sync')"
echo "bench peers: installed (zlib-sync built against $(node --version))"
