#!/usr/bin/env bash
# Makes the missing local base images (see base-images.ts); one run at a time,
# so that concurrent callers (parallel tests, CI steps) wait instead of
# building the same image twice.
# Usage: scripts/docker/base-images.sh [major...]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/lib/log.sh"
. "$here/lib/cache-dir.sh"
cache=$(custom_otel_cache_dir)
mkdir -p "$cache"
command -v flock > /dev/null || fail "flock (Debian package util-linux) is missing"
cd "$here/../.."
exec flock "$cache/base-images.lock" npx tsx scripts/docker/base-images.ts "$@"
