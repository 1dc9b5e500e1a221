# The release image goreleaser builds (.goreleaser.yaml, dockers): the binary
# it compiled for the platform, on the same distroless base as Dockerfile.
FROM busybox:1.37 AS dirs
RUN mkdir -p /out/var/lib/tracegraph

FROM gcr.io/distroless/static-debian12:nonroot
COPY tracegraph /usr/local/bin/tracegraph
# The data volume, owned by the unprivileged user the image runs as.
COPY --from=dirs --chown=65532:65532 /out/var/lib/tracegraph /var/lib/tracegraph
USER 65532:65532
WORKDIR /var/lib/tracegraph
ENV TRACEGRAPH_ADDR=0.0.0.0:8080 \
    TRACEGRAPH_DATA=/var/lib/tracegraph/data \
    TRACEGRAPH_LOG_FORMAT=json
VOLUME ["/var/lib/tracegraph"]
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
    CMD ["/usr/local/bin/tracegraph", "healthcheck", "--timeout", "3s"]
ENTRYPOINT ["/usr/local/bin/tracegraph"]
CMD ["serve"]
