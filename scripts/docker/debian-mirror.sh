#!/usr/bin/env bash
# Prints the Debian mirror URI this machine's apt uses for a suite
# (default: bookworm), e.g. http://deb.debian.org/debian/.
# Usage: debian-mirror.sh [suite]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/lib/log.sh"
. "$here/lib/debian-packages.sh"
debian_mirror_uri "${1:-bookworm}"
