# Multi-stage build of the dashboard. No Docker engine runs on the machines this was written on,
# so this file has not been built there; it follows the same steps as the README's commands.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
RUN apt-get update && apt-get install -y --no-install-recommends nodejs npm && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig Dashboard.sln package.json package-lock.json appsettings.json ./
COPY scripts/ scripts/
COPY src/ src/
COPY wwwroot/ wwwroot/
RUN npm ci --no-audit --no-fund && node scripts/copy-lib.mjs
RUN dotnet publish src/Dashboard/Dashboard.csproj -c Release -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./
# Data lives in a volume; bind to all interfaces inside the container (the host decides exposure).
VOLUME /data
ENV ConnectionStrings__Dashboard="Data Source=/data/dashboard.db" \
    Urls="http://0.0.0.0:8080"
EXPOSE 8080
USER app
ENTRYPOINT ["dotnet", "Dashboard.dll"]
