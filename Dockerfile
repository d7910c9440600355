# Multi-stage build of the dashboard. No Docker engine runs on the machines this was written on,
# so this file has not been built there; it follows the same steps as the README's commands.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
RUN apt-get update && apt-get install -y --no-install-recommends nodejs npm && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Restore layer: only the files that decide the packages, so a source change does not re-download them.
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/Dashboard/Dashboard.csproj src/Dashboard/
COPY src/Dashboard.Client/Dashboard.Client.csproj src/Dashboard.Client/
RUN dotnet restore src/Dashboard/Dashboard.csproj
# npm layer: the browser libraries, again only re-fetched when the lock file changes.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY appsettings.json ./
COPY scripts/ scripts/
COPY wwwroot/ wwwroot/
RUN node scripts/copy-lib.mjs
COPY src/ src/
RUN dotnet publish src/Dashboard/Dashboard.csproj -c Release --no-restore -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./
# The image runs as the non-root user "app": the data directory must be its own, or the first start fails to
# create the SQLite file. (A volume mounted over /data keeps the ownership set here when it is new.)
RUN mkdir -p /data && chown app:app /data
VOLUME /data
# Bind to all interfaces inside the container (the host decides exposure). For PostgreSQL instead of the file:
#   -e Storage__Provider=PostgreSQL -e ConnectionStrings__Dashboard="Host=db;Database=dashboard;Username=...;Password=..."
ENV ConnectionStrings__Dashboard="Data Source=/data/dashboard.db" \
    Urls="http://0.0.0.0:8080"
EXPOSE 8080
USER app
ENTRYPOINT ["dotnet", "Dashboard.dll"]
