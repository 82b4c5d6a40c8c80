#!/usr/bin/env bash
# A private MariaDB for the tests: database "testapp", user testapp/testapp,
# reachable on 127.0.0.1:$MARIADB_PORT (default 3306).
#
#   scripts/mariadb.sh          install if missing, start, create db and user (idempotent)
#   scripts/mariadb.sh stop     stop the instance this script started
#
# Environment: MARIADB_PORT (default 3306), MARIADB_DIR (default
# /tmp/otel-test-mariadb-$MARIADB_PORT: data directory, socket, pid and log).
set -euo pipefail

PORT="${MARIADB_PORT:-3306}"
BASE_DIR="${MARIADB_DIR:-/tmp/otel-test-mariadb-$PORT}"
DATA_DIR="$BASE_DIR/data"
SOCKET="$BASE_DIR/mariadb.sock"
PID_FILE="$BASE_DIR/mariadb.pid"
LOG_FILE="$BASE_DIR/mariadb.log"
DB_NAME=testapp
DB_USER=testapp
DB_PASSWORD=testapp
STARTED_AT=$EPOCHREALTIME

say() { echo "mariadb.sh: $*"; }
die() { echo "mariadb.sh: ERROR: $*" >&2; exit 1; }
took() { awk -v s="$STARTED_AT" -v e="$EPOCHREALTIME" 'BEGIN { printf "%.1f s", e - s }'; }

case "${1:-start}" in
  start | stop) ACTION="${1:-start}" ;;
  *) die "unknown argument '$1'; use no argument (start) or 'stop'" ;;
esac
[[ "$PORT" =~ ^[0-9]+$ ]] && ((PORT >= 1 && PORT <= 65535)) || die "MARIADB_PORT='$PORT' is not a port number (1-65535)"

# The pid of the instance this script started, if it is still running.
running_pid() {
  [[ -s "$PID_FILE" ]] || return 1
  local pid
  pid="$(cat "$PID_FILE")"
  [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

port_is_open() { (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; }

stop_instance() {
  local pid
  if ! pid="$(running_pid)"; then
    say "no instance from $BASE_DIR is running; nothing to stop"
    return 0
  fi
  kill -TERM "$pid"
  for _ in $(seq 1 300); do
    kill -0 "$pid" 2>/dev/null || { say "stopped (pid $pid) in $(took)"; return 0; }
    sleep 0.1
  done
  die "mariadbd (pid $pid) did not stop within 30 s; see $LOG_FILE"
}

if [[ "$ACTION" == stop ]]; then
  stop_instance
  exit 0
fi

# --- install -----------------------------------------------------------------
server_binary() { command -v mariadbd || { [[ -x /usr/sbin/mariadbd ]] && echo /usr/sbin/mariadbd; }; }

install_mariadb() {
  [[ "$(id -u)" == 0 ]] || die "mariadb-server is not installed and installing it needs root: run 'apt-get install -y mariadb-server' as root"
  export DEBIAN_FRONTEND=noninteractive
  # Keep the package's own service from starting on port 3306: we run a
  # private instance. policy-rc.d is Debian's switch for that; only add ours
  # if none exists, and remove it afterwards.
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
  fi
  # apt-get update only when the package lists do not know the package yet.
  if [[ "$(apt-cache policy mariadb-server 2>/dev/null)" != *"Candidate: "[0-9]* ]]; then
    say "package lists do not know mariadb-server; running apt-get update"
    apt-get update -qq
  fi
  say "installing Debian's mariadb-server"
  apt-get install -y -qq --no-install-recommends mariadb-server >/dev/null ||
    die "apt-get install mariadb-server failed (exit $?)"
}

MARIADBD="$(server_binary || true)"
if [[ -z "$MARIADBD" ]]; then
  install_mariadb
  MARIADBD="$(server_binary)" || die "mariadb-server is installed but mariadbd was not found"
fi

# --- start -------------------------------------------------------------------
client() { mariadb --no-defaults --protocol=socket --socket="$SOCKET" --user="$(id -un)" "$@"; }
app_login_works() {
  # Bounded: whatever holds the port may never answer the MySQL handshake.
  timeout 10 mariadb --no-defaults --protocol=tcp --host=127.0.0.1 --port="$PORT" --connect-timeout=5 \
    --user="$DB_USER" --password="$DB_PASSWORD" "$DB_NAME" -e 'SELECT 1' >/dev/null 2>&1
}

if ! running_pid >/dev/null; then
  if port_is_open; then
    # Something else owns the port. If it already serves our database and
    # user (a MariaDB started another way), that is good enough.
    if app_login_works; then
      say "a database server not started by this script already serves $DB_NAME as $DB_USER on 127.0.0.1:$PORT; using it ($(took))"
      exit 0
    fi
    die "port 127.0.0.1:$PORT is taken by another process that does not accept $DB_USER/$DB_PASSWORD on database $DB_NAME; stop it or set MARIADB_PORT"
  fi

  mkdir -p "$BASE_DIR"
  # mariadbd refuses to run as root unless told to; run as whoever runs us.
  RUN_AS="$(id -un)"
  if [[ ! -d "$DATA_DIR/mysql" ]]; then
    rm -rf "$DATA_DIR"
    say "initialising data directory $DATA_DIR"
    mariadb-install-db --no-defaults --datadir="$DATA_DIR" --user="$RUN_AS" \
      --auth-root-authentication-method=socket --skip-test-db >"$BASE_DIR/install-db.log" 2>&1 ||
      die "mariadb-install-db failed; see $BASE_DIR/install-db.log"
  fi

  # --no-defaults: ignore /etc/mysql, whose port, socket and bind address
  # belong to the system service. Small buffers: this is a test database.
  setsid "$MARIADBD" --no-defaults --user="$RUN_AS" --datadir="$DATA_DIR" \
    --socket="$SOCKET" --pid-file="$PID_FILE" --log-error="$LOG_FILE" \
    --port="$PORT" --bind-address=127.0.0.1 --skip-name-resolve \
    --innodb-buffer-pool-size=64M --max-connections=200 \
    --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
    </dev/null >>"$LOG_FILE" 2>&1 &
  SERVER_PID=$!
  disown "$SERVER_PID" 2>/dev/null || true

  for _ in $(seq 1 600); do
    mariadb-admin --no-defaults --socket="$SOCKET" --user="$RUN_AS" ping >/dev/null 2>&1 && break
    kill -0 "$SERVER_PID" 2>/dev/null || { tail -n 20 "$LOG_FILE" >&2; die "mariadbd exited during start-up; the log above is from $LOG_FILE"; }
    sleep 0.1
  done
  mariadb-admin --no-defaults --socket="$SOCKET" --user="$RUN_AS" ping >/dev/null 2>&1 ||
    die "mariadbd (pid $SERVER_PID) did not answer within 60 s; see $LOG_FILE"
fi

# Idempotent: safe on every run, including against an already running instance.
client <<SQL
CREATE DATABASE IF NOT EXISTS \`$DB_NAME\`;
CREATE USER IF NOT EXISTS '$DB_USER'@'127.0.0.1' IDENTIFIED BY '$DB_PASSWORD';
CREATE USER IF NOT EXISTS '$DB_USER'@'localhost' IDENTIFIED BY '$DB_PASSWORD';
GRANT ALL PRIVILEGES ON \`$DB_NAME\`.* TO '$DB_USER'@'127.0.0.1';
GRANT ALL PRIVILEGES ON \`$DB_NAME\`.* TO '$DB_USER'@'localhost';
SQL
app_login_works || die "MariaDB is up but $DB_USER cannot log in to $DB_NAME over 127.0.0.1:$PORT; see $LOG_FILE"
say "ready on 127.0.0.1:$PORT (database $DB_NAME, user $DB_USER/$DB_PASSWORD, pid $(running_pid)) in $(took)"
