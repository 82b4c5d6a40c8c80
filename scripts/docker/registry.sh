#!/usr/bin/env bash
# A throwaway local image registry (Debian's docker-registry, i.e. the CNCF
# distribution registry 2.8) on 127.0.0.1:<port>, storing into a temporary
# directory. Docker allows plain HTTP to 127.0.0.0/8 registries without any
# daemon setting, so `docker push 127.0.0.1:<port>/name:tag` just works.
#
# Usage:
#   registry.sh start [port]   start (or keep) the registry; waits until /v2/ answers
#   registry.sh stop [port]    stop it and delete its storage
# port defaults to 5000. State (pid, config, log, storage) lives in
# /tmp/custom-otel-registry-<port>/.
#
# Environment: CUSTOM_OTEL_REGISTRY_WAIT_SECONDS (default 30)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/lib/log.sh"
. "$here/lib/debian-packages.sh"

usage="usage: $0 start|stop [port]"
action=${1:-}
port=${2:-5000}
wait_seconds=${CUSTOM_OTEL_REGISTRY_WAIT_SECONDS:-30}

case "$port" in
  '' | *[!0-9]*) fail "port '$port' is not a number ($usage)" ;;
esac
[ "$port" -ge 1 ] && [ "$port" -le 65535 ] || fail "port $port is outside 1-65535"
case "$wait_seconds" in
  '' | *[!0-9]*) fail "CUSTOM_OTEL_REGISTRY_WAIT_SECONDS='$wait_seconds' is not a whole number of seconds" ;;
esac

state=/tmp/custom-otel-registry-$port
pid_file=$state/registry.pid
url=http://127.0.0.1:$port/v2/

answers() {
  curl --silent --fail --max-time 2 --output /dev/null "$url"
}

running_pid() {
  local pid
  pid=$(cat "$pid_file" 2> /dev/null || true)
  [ -n "$pid" ] && kill -0 "$pid" 2> /dev/null && printf '%s\n' "$pid"
}

start() {
  local pid
  if pid=$(running_pid) && answers; then
    echo "registry already running on 127.0.0.1:$port (pid $pid, storage $state/storage)"
    return 0
  fi
  if answers || (exec 3<> "/dev/tcp/127.0.0.1/$port") 2> /dev/null; then
    fail "127.0.0.1:$port is already taken by another process; choose another port"
  fi
  ensure_debian_packages docker-registry curl
  rm -rf "$state"
  mkdir -p "$state/storage"
  cat > "$state/config.yml" <<EOF
version: 0.1
log:
  level: info
storage:
  filesystem:
    rootdirectory: $state/storage
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$port
EOF
  setsid nohup docker-registry serve "$state/config.yml" >> "$state/registry.log" 2>&1 < /dev/null &
  pid=$!
  echo "$pid" > "$pid_file"
  local deadline=$((SECONDS + wait_seconds))
  until answers; do
    if ! kill -0 "$pid" 2> /dev/null; then
      tail -n 20 "$state/registry.log" >&2 || true
      fail "docker-registry exited before $url answered (log: $state/registry.log)"
    fi
    [ "$SECONDS" -ge "$deadline" ] && fail "docker-registry (pid $pid) did not answer at $url within ${wait_seconds}s (log: $state/registry.log)"
    sleep 0.2
  done
  echo "registry running on 127.0.0.1:$port (pid $pid, storage $state/storage)"
}

stop() {
  local pid waited=0
  if pid=$(running_pid); then
    kill "$pid"
    while kill -0 "$pid" 2> /dev/null; do
      [ "$waited" -ge 50 ] && { kill -9 "$pid" 2> /dev/null || true; break; }
      sleep 0.1
      waited=$((waited + 1))
    done
    echo "registry on 127.0.0.1:$port stopped (pid $pid)"
  else
    echo "no registry of ours was running on 127.0.0.1:$port"
  fi
  rm -rf "$state"
}

case "$action" in
  start) start ;;
  stop) stop ;;
  *) fail "unknown action '$action' ($usage)" ;;
esac
