#!/bin/sh
# npm ci inside the image build, for both stages that install: trusts the CA
# bundle mounted as the BuildKit secret `npm_ca` when one is given, and with
# NPM_OFFLINE=true reads only the npm cache mounted at /npm-cache; NPM_REGISTRY
# names the registry (mirror) to install from.
set -e
if [ -s /run/secrets/npm_ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/npm_ca; fi
if [ "$NPM_OFFLINE" = true ]; then set -- "$@" --offline --cache /npm-cache; fi
if [ -n "$NPM_REGISTRY" ]; then set -- "$@" --registry "$NPM_REGISTRY"; fi
exec npm ci --no-audit --no-fund --ignore-scripts "$@"
