# syntax=docker/dockerfile:1
# The `bulwark` gateway in a container: built from this repository, run as a non-root user, listening on 0.0.0.0:8080.
#
#   docker build -t bulwark .
#   docker run -p 8080:8080 -v "$PWD/bulwark.json:/etc/bulwark/bulwark.json:ro" -v bulwark-data:/var/lib/bulwark bulwark
#
# The configuration is read from /etc/bulwark/bulwark.json (mount it, or pass another with `serve --config ...`); the
# store (breaker state, deferred deliveries) is data/bulwark.db under the working directory, /var/lib/bulwark, a volume.
# ASPNETCORE_URLS says where to listen; the health check asks /health/live on port 8080 (change both together).

ARG DOTNET_VERSION=10.0

FROM mcr.microsoft.com/dotnet/sdk:${DOTNET_VERSION} AS build
WORKDIR /src
# Restore from the project files alone, so that a change to the code does not invalidate the restored packages' layer.
COPY global.json Directory.Build.props Directory.Packages.props LICENSE .editorconfig ./
COPY eng/BannedSymbols.txt eng/
COPY src/Bulwark/Bulwark.csproj src/Bulwark/
COPY src/Bulwark.AspNetCore/Bulwark.AspNetCore.csproj src/Bulwark.AspNetCore/
COPY src/Bulwark.AspNetCore.Prometheus/Bulwark.AspNetCore.Prometheus.csproj src/Bulwark.AspNetCore.Prometheus/
COPY src/Bulwark.Storage.Sqlite/Bulwark.Storage.Sqlite.csproj src/Bulwark.Storage.Sqlite/
COPY src/Bulwark.Storage.Postgres/Bulwark.Storage.Postgres.csproj src/Bulwark.Storage.Postgres/
COPY src/Bulwark.Storage.Redis/Bulwark.Storage.Redis.csproj src/Bulwark.Storage.Redis/
COPY src/Bulwark.Gateway/Bulwark.Gateway.csproj src/Bulwark.Gateway/
RUN dotnet restore src/Bulwark.Gateway/Bulwark.Gateway.csproj
COPY src/ src/
RUN dotnet publish src/Bulwark.Gateway/Bulwark.Gateway.csproj -c Release --no-restore -o /app

FROM mcr.microsoft.com/dotnet/aspnet:${DOTNET_VERSION} AS runtime
# The base image's non-root user `app` (uid $APP_UID) owns the state directory; nothing else is writable to it.
RUN mkdir -p /var/lib/bulwark /etc/bulwark && chown "$APP_UID" /var/lib/bulwark
COPY --from=build /app /opt/bulwark
WORKDIR /var/lib/bulwark
ENV ASPNETCORE_URLS=http://0.0.0.0:8080 \
    ASPNETCORE_HTTP_PORTS= \
    DOTNET_NOLOGO=1
EXPOSE 8080
VOLUME ["/var/lib/bulwark"]
USER $APP_UID
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
    CMD ["/opt/bulwark/bulwark", "health", "--url", "http://127.0.0.1:8080/health/live"]
ENTRYPOINT ["/opt/bulwark/bulwark"]
CMD ["serve", "--config", "/etc/bulwark/bulwark.json"]
