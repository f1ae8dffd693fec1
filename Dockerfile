# syntax=docker/dockerfile:1
# The Sluice image (ghcr.io/sluice-dev/sluice): the sluice CLI packed from this checkout, trivy
# and helm at the versions pinned in distribution/tools.json (each archive's SHA-256 checked
# before anything is extracted), on distroless Node 22: no shell, no package manager. It runs as
# 65532:65532 (the uid the in-cluster gate's Job sets) and writes nothing outside /tmp, so it
# runs with a read-only root filesystem:
#
#   docker build -t ghcr.io/sluice-dev/sluice:0.1.0 .
#   docker run --rm --read-only --tmpfs /tmp -v "$PWD:/repo:ro" ghcr.io/sluice-dev/sluice:0.1.0 scan .
#
# Base images are pinned by digest (refresh them with the versions: docs/distribution.md).
# distribution/dockerfile.test.ts checks this file (the development machine has no docker).
ARG BUILD_IMAGE=docker.io/library/node:22-bookworm-slim@sha256:43ac6c60b8f89723f746e8a92ce91abd5017e627ce1ddfe4238355d3a30b772c
ARG RUNTIME_IMAGE=gcr.io/distroless/nodejs22-debian12:nonroot@sha256:13593b7570658e8477de39e2f4a1dd25db2f836d68a0ba771251572d23bb4f8e

# The packages, built and packed as they are published, installed without dev dependencies.
FROM --platform=$BUILDPLATFORM ${BUILD_IMAGE} AS build
WORKDIR /src
ENV CI=true NPM_CONFIG_UPDATE_NOTIFIER=false
COPY . .
RUN npx -y pnpm@12.4.2 install --frozen-lockfile \
 && npx -y pnpm@12.4.2 run build \
 && npx -y pnpm@12.4.2 -r --filter "./packages/*" pack --pack-destination /tarballs \
 && npm install --prefix /opt/sluice --omit=dev --no-audit --no-fund /tarballs/*.tgz \
 && node /opt/sluice/node_modules/@sluice/cli/dist/bin.js --version

# trivy and helm for the target architecture: pinned versions, checksums checked.
FROM --platform=$BUILDPLATFORM ${BUILD_IMAGE} AS tools
ARG TARGETARCH
COPY distribution/tools.json distribution/install-tools.mjs /tools/
RUN node /tools/install-tools.mjs --dest /out --arch "${TARGETARCH:-amd64}"

FROM ${RUNTIME_IMAGE}
LABEL org.opencontainers.image.title="sluice" \
      org.opencontainers.image.description="Scan every image a Flux repository deploys with Trivy and gate what must not be applied" \
      org.opencontainers.image.source="https://github.com/sluice-dev/sluice" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.version="0.1.0"
COPY --from=tools /out/trivy /out/helm /usr/local/bin/
COPY --from=build /opt/sluice /opt/sluice
COPY LICENSE /usr/share/doc/sluice/LICENSE
# Everything written goes below /tmp: trivy's and helm's caches and configuration, Sluice's
# result cache. Mount /tmp (or the gate's cache volume) writable; the rest can be read-only.
ENV HOME=/tmp \
    TMPDIR=/tmp \
    XDG_CACHE_HOME=/tmp/.cache \
    XDG_CONFIG_HOME=/tmp/.config \
    XDG_DATA_HOME=/tmp/.local/share \
    NODE_ENV=production
USER 65532:65532
WORKDIR /repo
ENTRYPOINT ["/nodejs/bin/node", "/opt/sluice/node_modules/@sluice/cli/dist/bin.js"]
CMD ["--help"]
