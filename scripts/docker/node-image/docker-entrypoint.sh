#!/bin/sh
# As in Docker Hub's node images: when the first argument is an option
# (`-e ...`) or not a command (`app.js`), it is an argument to node.
set -e
if [ $# -gt 0 ]; then
  case "$1" in
    -*) set -- node "$@" ;;
    *) command -v -- "$1" > /dev/null 2>&1 || set -- node "$@" ;;
  esac
fi
exec "$@"
