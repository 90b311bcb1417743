# syntax=docker/dockerfile:1
# Two-stage build: a static, trimmed binary on a distroless base, run as an
# unprivileged user. Build: docker build --build-arg VERSION=$(git describe --always) -t jobboard .
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/jobboard .

FROM gcr.io/distroless/static-debian12:nonroot
ARG VERSION=dev
LABEL org.opencontainers.image.title="jobboard" \
      org.opencontainers.image.description="Dashboard for NebulaGraph Explorer workflow jobs" \
      org.opencontainers.image.version="${VERSION}"
COPY --from=build /out/jobboard /jobboard
USER nonroot:nonroot
EXPOSE 8080
ENTRYPOINT ["/jobboard"]
