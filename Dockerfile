# syntax=docker/dockerfile:1
# Multi-stage build: a static binary with version information, run as a
# non-root user on distroless/static (CA roots included, no shell).

FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
ARG REVISION=unknown
ARG BRANCH=unknown
RUN CGO_ENABLED=0 go build -trimpath \
      -ldflags "-s -w \
        -X github.com/prometheus/common/version.Version=${VERSION} \
        -X github.com/prometheus/common/version.Revision=${REVISION} \
        -X github.com/prometheus/common/version.Branch=${BRANCH} \
        -X github.com/prometheus/common/version.BuildUser=docker \
        -X github.com/prometheus/common/version.BuildDate=$(date -u +%Y%m%d-%H:%M:%S)" \
      -o /out/voximplant_exporter .

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/voximplant_exporter /bin/voximplant_exporter
USER nonroot:nonroot
EXPOSE 9873
ENTRYPOINT ["/bin/voximplant_exporter"]
