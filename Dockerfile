# tracegraph: a multi-stage build. The first stage compiles a static binary
# with the Go toolchain; the second is distroless (static, nonroot): no shell,
# no package manager, CA certificates and time zones only, uid 65532.
#   docker build -t tracegraph --build-arg VERSION=$(git describe --tags --always) \
#     --build-arg REVISION=$(git rev-parse HEAD) .
# (The build context has no .git, so the version comes from the arguments.)
FROM golang:1.26-bookworm AS build
WORKDIR /src
# Modules first, so that code changes do not download them again.
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=""
ARG REVISION=""
RUN CGO_ENABLED=0 go build -trimpath \
      -ldflags="-s -w -X github.com/tracegraph/tracegraph/version.linkedVersion=${VERSION} -X github.com/tracegraph/tracegraph/version.linkedRevision=${REVISION}" \
      -o /out/tracegraph ./cmd/tracegraph \
 && mkdir -p /out/var/lib/tracegraph

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/tracegraph /usr/local/bin/tracegraph
# The data volume, owned by the unprivileged user the image runs as.
COPY --from=build --chown=65532:65532 /out/var/lib/tracegraph /var/lib/tracegraph
USER 65532:65532
WORKDIR /var/lib/tracegraph
# Every flag has an environment twin (TRACEGRAPH_<FLAG>); these are the
# container's defaults. The embedded store keeps its data in the volume, and
# backups taken through the service are staged beside it.
ENV TRACEGRAPH_ADDR=0.0.0.0:8080 \
    TRACEGRAPH_DATA=/var/lib/tracegraph/data \
    TRACEGRAPH_LOG_FORMAT=json
VOLUME ["/var/lib/tracegraph"]
EXPOSE 8080
# No shell or wget here: the binary checks itself (GET /healthz on
# TRACEGRAPH_ADDR, a wildcard host asked on loopback).
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
    CMD ["/usr/local/bin/tracegraph", "healthcheck", "--timeout", "3s"]
ENTRYPOINT ["/usr/local/bin/tracegraph"]
CMD ["serve"]
