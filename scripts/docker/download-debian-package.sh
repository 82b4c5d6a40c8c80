#!/usr/bin/env bash
# Downloads a Debian package's .deb (from the machine's apt sources) into a
# directory without installing it; prints the .deb's path.
# Usage: download-debian-package.sh package directory
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/lib/log.sh"
. "$here/lib/debian-packages.sh"
[ $# -eq 2 ] || fail "usage: $0 package directory"
download_debian_package "$1" "$2"
