#!/usr/bin/env bash
# Installs the named Debian packages that are missing (apt-get update only
# when something has to be installed). Usage: ensure-debian-packages.sh pkg...
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/lib/log.sh"
. "$here/lib/debian-packages.sh"
ensure_debian_packages "$@"
