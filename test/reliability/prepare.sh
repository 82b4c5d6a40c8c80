#!/usr/bin/env bash
# What the reliability tests need besides Node, installed or started only if
# missing (safe to run again; run by the reliability project's global set-up):
#   openssl          certificates for the TLS-to-collector tests
#   unshare, mount   (util-linux, mount) a private mount namespace for the
#                    hanging-resource-detector test; setsid for `npm start`
#   mkfifo           (coreutils) the FIFO that makes the detector hang
#   MariaDB          on 127.0.0.1:3306, for the SQL secrets test (scripts/mariadb.sh)
set -euo pipefail
cd "$(dirname "$0")/../.."

say() { echo "reliability/prepare.sh: $*"; }
die() { echo "reliability/prepare.sh: ERROR: $*" >&2; exit 1; }

declare -A PACKAGE_OF=([openssl]=openssl [unshare]=util-linux [setsid]=util-linux [mount]=mount [mkfifo]=coreutils)
missing=()
for command in "${!PACKAGE_OF[@]}"; do
  command -v "$command" >/dev/null 2>&1 || missing+=("${PACKAGE_OF[$command]}")
done
if ((${#missing[@]} > 0)); then
  packages="$(printf '%s\n' "${missing[@]}" | sort -u | tr '\n' ' ')"
  [[ "$(id -u)" == 0 ]] || die "missing commands; install the Debian packages: $packages(needs root)"
  export DEBIAN_FRONTEND=noninteractive
  say "installing $packages"
  apt-get update -qq
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $packages >/dev/null || die "apt-get install $packages failed"
fi

bash scripts/mariadb.sh
