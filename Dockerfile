# syntax=docker/dockerfile:1
# Two-stage build: a static, trimmed binary on a distroless base (CA
# certificates included, no shell), run as the unprivileged nonroot user.
#
#   docker build \
#     --build-arg VERSION=$(git describe --tags --always) \
#     --build-arg COMMIT=$(git rev-parse HEAD) \
#     --build-arg SOURCE=https://git.example.com/team/jobboard \
#     -t jobboard .
#
# No HEALTHCHECK on purpose: orchestrators probe GET /healthz (liveness)
# and GET /readyz (readiness) themselves; see docs/operations.md.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
ARG COMMIT=unknown
RUN CGO_ENABLED=0 go build -trimpath -buildvcs=false \
      -ldflags "-s -w -X jobboard/internal/app.version=${VERSION} -X jobboard/internal/app.commit=${COMMIT}" \
      -o /out/jobboard . \
 && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
ARG VERSION=dev
ARG COMMIT=unknown
ARG SOURCE=unknown
LABEL org.opencontainers.image.title="jobboard" \
      org.opencontainers.image.description="Dashboard for NebulaGraph Explorer workflow jobs" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${COMMIT}" \
      org.opencontainers.image.source="${SOURCE}"
COPY --from=build /out/jobboard /jobboard
# Saved views and live sessions: the embedded SQLite file lives on a
# volume the nonroot user can write (the root of the image is read-only
# to it). With DATABASE_URL set (PostgreSQL, several replicas) it is unused.
COPY --from=build --chown=nonroot:nonroot /out/data /data
ENV JOBBOARD_DB=/data/jobboard.db
VOLUME /data
USER nonroot:nonroot
EXPOSE 8080
ENTRYPOINT ["/jobboard"]
