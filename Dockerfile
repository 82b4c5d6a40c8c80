# The auto-instrumentation image of one Node major, for the OpenTelemetry
# Operator's init container, which runs
#   cp -r /autoinstrumentation/. /otel-auto-instrumentation-nodejs
# as the pod's user. It holds the staged tree and a `cp`, nothing else.
#
#   docker build --build-arg NODE_MAJOR=20 --build-arg NODE_IMAGE=node:20-bookworm-slim \
#     -t custom-otel-autoinstrumentation-nodejs:dev .
#
# `--target universal` makes the universal image of the per-major trees given as
# build context `trees` (see that stage below; build-multi-version.ts does it).
#
# The build runs the same two staging steps as `./build-multi-version.ts --stage-only`:
# install node-versions/<major> from its lockfile under that major's Node,
# then bundle src/ against it.
#
# Build arguments (build-multi-version.ts fills them from node-versions/versions.json):
#   NODE_MAJOR          the Node major of the image (node-versions/<major>)
#   NODE_IMAGE          that major's Node base image (versions.json "baseImage"), with any
#                       mirror prefix, e.g. "mirror.example.com/dockerhub/node:20-bookworm-slim"
#   BUILDER_IMAGE       Node base image of the bundling stage (esbuild needs Node >= 18)
#   BUSYBOX_IMAGE       where /bin/cp comes from for this machine's platform; for another
#                       platform the build passes `--build-context copy-tool=<dir with bin/busybox>`
#   NPM_OFFLINE         "true": npm uses only the cache given as build context `npm-cache`
#   NPM_REGISTRY        npm registry (mirror) URL to install from; empty: npm's default
#   VERSION, REVISION, CREATED, SOURCE, NODE_RANGE, SDK_LINE, SDK_VERSION,
#   AUTO_INSTRUMENTATIONS_VERSION   OCI labels (build-multi-version.ts fills them)
#   SOURCE_DATE_EPOCH   the commit time: every file's time, and (BuildKit reads it) the
#                       image config's and history's, so a rebuild gives the same digest
#                       (with --no-cache-filter image,universal, as build-multi-version passes
#                       it: BuildKit keys a COPY by file contents, not times, so a cached layer
#                       of a build with another date would bring that date back)
# Secrets: `--secret id=npm_ca,src=<CA bundle>` when the npm registry is
# reached through a TLS-intercepting proxy; it is mounted only while npm runs.
# The JavaScript tree is the same for every platform: both installing stages
# run on the build platform (no emulation); the image of another platform only
# copies files (no RUN in it).
ARG NODE_MAJOR=20
ARG NODE_IMAGE
ARG BUILDER_IMAGE=${NODE_IMAGE}
ARG BUSYBOX_IMAGE=busybox:stable

# Replaced with `--build-context npm-cache=<dir>` for offline builds.
FROM scratch AS npm-cache

FROM --platform=$BUILDPLATFORM ${NODE_IMAGE} AS dependencies
ARG NODE_MAJOR
ARG NPM_OFFLINE=false
ARG NPM_REGISTRY=
WORKDIR /deps
COPY node-versions/${NODE_MAJOR}/package.json node-versions/${NODE_MAJOR}/package-lock.json ./
COPY tools/bundle/npm-ci.sh /usr/local/bin/
# Installed under the Node of this major, engine-strict, so a dependency that
# does not support it fails here. No package of the sets needs an install script.
RUN --mount=type=secret,id=npm_ca,required=false \
    --mount=type=bind,from=npm-cache,target=/npm-cache,rw \
    --mount=type=cache,target=/root/.npm,sharing=locked \
    npm-ci.sh --omit=dev --engine-strict

# The bundler (esbuild) and what it reads besides the sources, for both
# bundling stages: the per-major tree's and the universal one's.
FROM --platform=$BUILDPLATFORM ${BUILDER_IMAGE} AS bundler
ARG NPM_OFFLINE=false
ARG NPM_REGISTRY=
WORKDIR /build
COPY tools/bundle/package.json tools/bundle/package-lock.json tools/bundle/
COPY tools/bundle/npm-ci.sh /usr/local/bin/
RUN --mount=type=secret,id=npm_ca,required=false \
    --mount=type=bind,from=npm-cache,target=/npm-cache,rw \
    --mount=type=cache,target=/root/.npm,sharing=locked \
    cd tools/bundle && npm-ci.sh
# tsconfig.json too: esbuild reads it (strict → "use strict", target → class-field semantics),
# so without it the image's bundle differs from the staged tree that the tests run.
COPY package.json tsconfig.json ./
COPY node-versions/versions.json node-versions/

FROM bundler AS bundle
ARG NODE_MAJOR
COPY tools/bundle/*.mjs tools/bundle/instrumentation-modules.cjs tools/bundle/
COPY src src
COPY --from=dependencies /deps /deps
# Readable by any uid, writable by none but root: the copy runs as the pod's user.
# The SBOM lies outside /autoinstrumentation: the operator copies only that.
# Every file and directory gets the source date as its time: COPY --from keeps
# it, so the layer (and the image digest) is the same on every rebuild.
ARG SOURCE_DATE_EPOCH
RUN node tools/bundle/bundle.mjs --major "$NODE_MAJOR" --deps /deps --out /autoinstrumentation \
      --sbom /sbom/autoinstrumentation.cdx.json \
 && chmod -R u=rwX,go=rX /autoinstrumentation /sbom \
 && find /autoinstrumentation /sbom -exec touch -h -d "@${SOURCE_DATE_EPOCH:?the build passes SOURCE_DATE_EPOCH}" {} +

# Replaced with `--build-context copy-tool=<dir>` for platforms other than the build machine's.
FROM ${BUSYBOX_IMAGE} AS copy-tool

# /bin/cp and /bin with the source date as their time: a COPY straight from
# copy-tool would give /bin the build's clock (and the digest with it). Runs on
# the build platform and only copies the target platform's file.
FROM --platform=$BUILDPLATFORM ${BUILDER_IMAGE} AS dated-copy-tool
ARG SOURCE_DATE_EPOCH
# busybox runs the applet named by argv[0]: installed as /bin/cp it is `cp`.
COPY --from=copy-tool /bin/busybox /out/bin/cp
RUN find /out -exec touch -h -d "@${SOURCE_DATE_EPOCH:?the build passes SOURCE_DATE_EPOCH}" {} +

# ---- The universal image (`--target universal`): every major's tree in one
# image, with an entry that loads the tree of the running Node. The build
# context `trees` holds node<major>/ as each per-major image holds
# /autoinstrumentation, and node<major>.cdx.json, its /sbom/autoinstrumentation.cdx.json
# (build-multi-version.ts takes them out of those images).
# Stages no target needs are skipped, so the per-major build never runs these.
FROM scratch AS trees

FROM bundler AS universal-bundle
COPY tools/bundle/*.mjs tools/bundle/
COPY src/build-info.ts src/
COPY src/entry src/entry
COPY --from=trees / /trees
# Identical files of the trees become hard links: the layer stores them once.
# The SBOM of every tree in one document (each tree's own, beside it in `trees`).
ARG SOURCE_DATE_EPOCH
RUN node tools/bundle/universal.mjs --trees /trees --out /autoinstrumentation \
      --sbom /sbom/autoinstrumentation.cdx.json \
 && chmod -R u=rwX,go=rX /autoinstrumentation /sbom \
 && find /autoinstrumentation /sbom -exec touch -h -d "@${SOURCE_DATE_EPOCH:?the build passes SOURCE_DATE_EPOCH}" {} +

FROM scratch AS universal
ARG VERSION=dev
ARG REVISION=unknown
ARG CREATED=unknown
ARG SOURCE=https://github.com/custom-otel/autoinstrumentation-nodejs
ARG NODE_MAJORS=unknown
ARG NODE_RANGE=unknown
LABEL org.opencontainers.image.title="custom-otel-autoinstrumentation-nodejs" \
      org.opencontainers.image.description="OpenTelemetry auto-instrumentation for Node.js ${NODE_MAJORS} in one image, for the OpenTelemetry Operator" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}" \
      org.opencontainers.image.source="${SOURCE}" \
      org.opencontainers.image.licenses="Apache-2.0" \
      io.custom-otel.node.majors="${NODE_MAJORS}" \
      io.custom-otel.node.range="${NODE_RANGE}"
COPY --from=dated-copy-tool /out/ /
COPY --from=universal-bundle /autoinstrumentation /autoinstrumentation
COPY --from=universal-bundle /sbom /sbom
USER 65532:65532

# ---- The image of one Node major (the default target).

FROM scratch AS image
ARG VERSION=dev
ARG REVISION=unknown
ARG CREATED=unknown
ARG SOURCE=https://github.com/custom-otel/autoinstrumentation-nodejs
ARG NODE_MAJOR
ARG NODE_RANGE=unknown
ARG SDK_LINE=unknown
ARG SDK_VERSION=unknown
ARG AUTO_INSTRUMENTATIONS_VERSION=unknown
LABEL org.opencontainers.image.title="custom-otel-autoinstrumentation-nodejs" \
      org.opencontainers.image.description="OpenTelemetry auto-instrumentation for Node.js ${NODE_MAJOR}, for the OpenTelemetry Operator" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}" \
      org.opencontainers.image.source="${SOURCE}" \
      org.opencontainers.image.licenses="Apache-2.0" \
      io.custom-otel.node.major="${NODE_MAJOR}" \
      io.custom-otel.node.range="${NODE_RANGE}" \
      io.custom-otel.sdk.line="${SDK_LINE}" \
      io.custom-otel.sdk.version="${SDK_VERSION}" \
      io.custom-otel.auto-instrumentations.version="${AUTO_INSTRUMENTATIONS_VERSION}"
COPY --from=dated-copy-tool /out/ /
COPY --from=bundle /autoinstrumentation /autoinstrumentation
COPY --from=bundle /sbom /sbom
USER 65532:65532
