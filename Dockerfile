# tracegraph: a multi-stage build. The first stage compiles a static binary
# with the Go toolchain; the second is a small runtime image that runs it as
# an unprivileged user. Build: docker build -t tracegraph .
FROM golang:1.26-bookworm AS build
WORKDIR /src
# Modules first, so that code changes do not download them again.
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/tracegraph ./cmd/tracegraph

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates wget \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /var/lib/tracegraph --create-home tracegraph
COPY --from=build /out/tracegraph /usr/local/bin/tracegraph
USER tracegraph
WORKDIR /var/lib/tracegraph
# Every flag has an environment twin (TRACEGRAPH_<FLAG>); these are the
# container's defaults. The embedded store keeps its data in the volume.
ENV TRACEGRAPH_ADDR=0.0.0.0:8080 \
    TRACEGRAPH_DATA=/var/lib/tracegraph/data
VOLUME ["/var/lib/tracegraph"]
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
    CMD wget -q -O /dev/null http://127.0.0.1:8080/healthz || exit 1
ENTRYPOINT ["tracegraph"]
CMD ["serve"]
