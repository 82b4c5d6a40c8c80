#!/usr/bin/env bash
# Makes sure a Docker engine with BuildKit runs on this machine; safe to run
# again at any time (it only does what is missing).
#
# Why Debian 13 (trixie)'s docker.io and not bookworm's: bookworm ships Docker
# 20.10, whose built-in BuildKit (v0.8) has no named build contexts
# (--build-context), no Dockerfile heredocs and no COPY --link, and the
# machine's Docker 28 client refuses BuildKit builds without the buildx
# plugin, which bookworm does not package. Trixie's docker.io (26.1),
# docker-cli and docker-buildx (0.13) only need bookworm's libc, containerd,
# runc and tini, so exactly those three packages are taken from trixie,
# through a private apt configuration that leaves the machine's apt sources
# untouched (trixie pinned low there, so no dependency is pulled from it).
#
# The daemon runs as `dockerd --bridge=none --iptables=false`: containers may
# only use --network host or --network none here.
#
# DOCKER_HOST=unix:///some/dir/docker.sock names the engine to ensure: when it
# is not the machine's /var/run/docker.sock, a daemon of its own is started
# there, with its data root, exec root and pid file under
# CUSTOM_OTEL_DOCKERD_ROOT (default: the socket's directory), so it shares no
# state with the machine's engine (the tests bring up such an engine to show
# that the build starts one where none runs).
#
# Environment:
#   CUSTOM_OTEL_DOCKERD_LOG            daemon log (default /tmp/custom-otel-dockerd.log; on another socket, dockerd.log beside it)
#   CUSTOM_OTEL_DOCKERD_WAIT_SECONDS   how long to wait for the socket (default 60)
#   CUSTOM_OTEL_CACHE_DIR              cache root (default ~/.cache/custom-otel-nodejs)
#   DOCKER_HOST                        unix:///path/docker.sock (default unix:///var/run/docker.sock)
#   CUSTOM_OTEL_DOCKERD_ROOT           state of a daemon on another socket (default: its directory)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/lib/log.sh"
. "$here/lib/cache-dir.sh"
. "$here/lib/debian-packages.sh"

wait_seconds=${CUSTOM_OTEL_DOCKERD_WAIT_SECONDS:-60}
default_socket=/var/run/docker.sock
case "${DOCKER_HOST:-}" in
  '') docker_socket=$default_socket ;;
  unix://*) docker_socket=${DOCKER_HOST#unix://} ;;
  *) docker_socket='' ;;
esac
# Flags of a daemon we start: none beyond the defaults for the machine's own
# socket; a daemon on another socket keeps all its state beside it.
dockerd_state_flags=()
docker_pidfile=/var/run/docker.pid
default_log=/tmp/custom-otel-dockerd.log
if [ -n "$docker_socket" ] && [ "$docker_socket" != "$default_socket" ]; then
  dockerd_root=${CUSTOM_OTEL_DOCKERD_ROOT:-$(dirname "$docker_socket")}
  docker_pidfile=$dockerd_root/docker.pid
  default_log=$dockerd_root/dockerd.log
  # exec-root holds containerd's socket, whose path must stay short (108 bytes).
  dockerd_state_flags=(--host "unix://$docker_socket" --data-root "$dockerd_root/data" --exec-root "$dockerd_root/x" --pidfile "$docker_pidfile")
fi
dockerd_log=${CUSTOM_OTEL_DOCKERD_LOG:-$default_log}
# Docker 23 is the first engine whose built-in Dockerfile frontend has named
# build contexts; the build relies on them.
minimum_engine_major=23
trixie_docker_packages=(docker.io docker-cli docker-buildx)

case "$wait_seconds" in
  '' | *[!0-9]*) fail "CUSTOM_OTEL_DOCKERD_WAIT_SECONDS='$wait_seconds' is not a whole number of seconds" ;;
esac

server_version() {
  timeout 10 docker version --format '{{.Server.Version}}' 2>/dev/null
}

engine_major() {
  printf '%s\n' "${1%%.*}"
}

trixie_packages_needed() {
  local installed
  installed=$(dpkg-query -W -f='${Version}' docker.io 2>/dev/null || true)
  [ -z "$installed" ] && return 0
  dpkg --compare-versions "$installed" lt "$minimum_engine_major" && return 0
  is_package_installed docker-buildx || return 0
  is_package_installed docker-cli || return 0
  return 1
}

install_trixie_docker() {
  local dir mirror
  dir="$(custom_otel_cache_dir)/apt-trixie"
  mirror=$(debian_mirror_uri)
  mkdir -p "$dir/lists/partial" "$dir/cache/archives/partial"
  cat > "$dir/sources.list" <<EOF
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror bookworm main
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror trixie main
EOF
  # Nothing comes from trixie unless asked for by name (pkg/trixie).
  printf 'Package: *\nPin: release n=trixie\nPin-Priority: 100\n' > "$dir/preferences"
  local apt_options=(
    -o "Dir::Etc::SourceList=$dir/sources.list" -o Dir::Etc::SourceParts=/dev/null
    -o "Dir::Etc::Preferences=$dir/preferences" -o Dir::Etc::PreferencesParts=/dev/null
    -o "Dir::State::Lists=$dir/lists" -o "Dir::Cache=$dir/cache"
    -o APT::Sandbox::User=root
  )
  note "apt-get update (bookworm + trixie, private lists in $dir)"
  apt-get "${apt_options[@]}" update -qq >&2 || fail "apt-get update of the trixie sources at $mirror failed (see above)"
  local requested=()
  for pkg in "${trixie_docker_packages[@]}"; do requested+=("$pkg/trixie"); done
  note "apt-get install ${requested[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get "${apt_options[@]}" install -y -qq --no-install-recommends "${requested[@]}" >&2 \
    || fail "apt-get install ${requested[*]} failed (see above)"
}

# The pid file of the containerd a dockerd manages outlives a machine that
# restarts without clearing its exec root; a new dockerd then waits on
# whatever process has that pid now, and gives up. Removed when that process
# is not a containerd.
clear_stale_containerd_pidfile() {
  local file=$1 pid
  pid=$(cat "$file" 2> /dev/null || true)
  [ -n "$pid" ] || return 0
  [ "$(cat "/proc/$pid/comm" 2> /dev/null || true)" = containerd ] && return 0
  note "removing $file: pid $pid is not a running containerd (left by an engine that did not stop)"
  rm -f "$file"
}

start_dockerd() {
  note "starting dockerd --bridge=none --iptables=false ${dockerd_state_flags[*]} (log: $dockerd_log)"
  [ ${#dockerd_state_flags[@]} -eq 0 ] || mkdir -p "$dockerd_root"
  if [ ${#dockerd_state_flags[@]} -eq 0 ]; then
    clear_stale_containerd_pidfile /var/run/docker/containerd/containerd.pid
  else
    clear_stale_containerd_pidfile "$dockerd_root/x/containerd/containerd.pid"
  fi
  setsid nohup dockerd --bridge=none --iptables=false "${dockerd_state_flags[@]}" >> "$dockerd_log" 2>&1 < /dev/null &
  local pid=$! waited=0
  until server_version > /dev/null; do
    if ! kill -0 "$pid" 2> /dev/null; then
      note "--- last lines of $dockerd_log:"
      tail -n 20 "$dockerd_log" >&2 || true
      fail "dockerd exited before its socket $docker_socket answered (log: $dockerd_log)"
    fi
    if [ "$waited" -ge "$wait_seconds" ]; then
      fail "dockerd (pid $pid) started but $docker_socket did not answer within ${wait_seconds}s (log: $dockerd_log)"
    fi
    sleep 1
    waited=$((waited + 1))
  done
}

# A daemon that is starting (pid file and live process, no answer yet) gets
# the same bounded wait instead of a second daemon.
wait_for_starting_dockerd() {
  local pid waited=0
  pid=$(cat "$docker_pidfile" 2> /dev/null || true)
  [ -n "$pid" ] && kill -0 "$pid" 2> /dev/null || return 1
  note "dockerd (pid $pid) is running; waiting for $docker_socket"
  until server_version > /dev/null; do
    [ "$waited" -ge "$wait_seconds" ] && fail "dockerd (pid $pid) is running but $docker_socket did not answer within ${wait_seconds}s; it was not started by this script, so it is left alone: stop it and run this script again"
    sleep 1
    waited=$((waited + 1))
  done
}

version=$(server_version || true)
if [ -z "$version" ]; then
  [ -n "$docker_socket" ] || fail "DOCKER_HOST=$DOCKER_HOST does not answer, and only an engine on a unix socket of this machine can be started here (DOCKER_HOST=unix:///path/docker.sock)"
  [ "$(id -u)" -eq 0 ] || fail "the Docker engine is not reachable at $docker_socket and starting it needs root: run this script as root"
  # Bookworm's packages that trixie's docker.io depends on, from the
  # machine's own sources (with their security updates).
  ensure_debian_packages containerd runc tini iptables ca-certificates
  if trixie_packages_needed; then install_trixie_docker; fi
  wait_for_starting_dockerd || start_dockerd
  version=$(server_version) || fail "the Docker engine stopped answering right after it started (log: $dockerd_log)"
fi

if [ "$(engine_major "$version")" -lt "$minimum_engine_major" ] 2> /dev/null; then
  fail "the running Docker engine is $version; the image build needs >= $minimum_engine_major (named build contexts). It was started outside this script, so it is left alone: stop it and run this script again"
fi
buildx=$(timeout 10 docker buildx version 2> /dev/null | awk '{ print $2 }') \
  || fail "the docker client '$(command -v docker)' has no working buildx plugin, so BuildKit builds fail: install Debian's docker-buildx (this script does so when it starts the engine)"
client=$(docker version --format '{{.Client.Version}}' 2> /dev/null)
api=$(docker version --format '{{.Server.APIVersion}}' 2> /dev/null)
printf 'docker engine ready: server %s (API %s), client %s (%s), buildx %s\n' \
  "$version" "$api" "$client" "$(command -v docker)" "$buildx"
