#!/usr/bin/env bash
# The Debian packages the cluster's node runs besides what it builds from Go
# modules (cluster/NODE.md): runc, the CNI plugins (bridge, host-local,
# loopback, portmap), conntrack for kube-proxy, iptables and iproute2.
# Installs only what is missing; apt-get update only when the lists lack one.
set -euo pipefail
packages=(runc containernetworking-plugins conntrack iptables iproute2)
missing=()
for package in "${packages[@]}"; do
  [[ "$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null)" == "install ok installed" ]] || missing+=("$package")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0
[[ "$(id -u)" == 0 ]] || { echo "node-packages: ${missing[*]} missing and installing needs root: apt-get install -y ${missing[*]}" >&2; exit 1; }
export DEBIAN_FRONTEND=noninteractive
for package in "${missing[@]}"; do
  if [[ "$(apt-cache policy "$package" 2>/dev/null)" != *"Candidate: "[0-9]* ]]; then
    echo "node-packages: package lists do not know $package; running apt-get update"
    apt-get update -qq
    break
  fi
done
echo "node-packages: installing Debian's ${missing[*]}"
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || { echo "node-packages: apt-get install ${missing[*]} failed" >&2; exit 1; }
