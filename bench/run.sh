#!/usr/bin/env bash
# What `make bench` runs after building: installs what the benchmark needs (the pinned Node.js
# peers, zlib-sync built here from source), checks that the build has the measuring programs,
# then runs the harness. Arguments go to bench/run.py (--quick, --events N, --runs N, ...).
set -euo pipefail
cd "$(dirname "$0")/.."

build=${BUILD_DIR:-build}
if [ ! -x "$build/src/cli/gatehouse" ]; then
  echo "bench/run.sh: $build/src/cli/gatehouse is missing: build first (make bench does)" >&2
  exit 1
fi
for tool in node npm python3; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "bench/run.sh: $tool is missing (make setup installs it)" >&2
    exit 1
  fi
done

# GNU time measures each program from a small parent process (see bench/run.py).
if [ ! -x /usr/bin/time ]; then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    sudo="sudo"
  fi
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends time
fi

bash bench/peers/install.sh
exec python3 -B bench/run.py --build "$build" "$@"
