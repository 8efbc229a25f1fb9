# The container image of `postino serve`, the Prometheus exporter
# (docs/scaling.md), built by goreleaser's dockers_v2 from the release
# binary of each platform. distroless/static holds CA certificates (the
# probes verify TLS), /etc/passwd with the nonroot user and time zone data,
# and nothing else: no shell, no package manager.
FROM gcr.io/distroless/static-debian12:nonroot
ARG TARGETPLATFORM
COPY $TARGETPLATFORM/postino /usr/bin/postino
USER nonroot:nonroot
EXPOSE 9719
ENTRYPOINT ["/usr/bin/postino"]
CMD ["serve", "--listen", ":9719"]
