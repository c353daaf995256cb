# syntax=docker/dockerfile:1
#
# One Dockerfile for every service of the monorepo. Each service is its own
# target, built FROM the shared `runtime` stage, so the five images share every
# layer except their last few metadata lines:
#
#   docker build --target order        -t dtx/order .
#   docker build --target inventory    -t dtx/inventory .
#   docker build --target payment      -t dtx/payment .
#   docker build --target orchestrator -t dtx/orchestrator .
#   docker build --target coordinator  -t dtx/coordinator .
#   docker build --target console      -t dtx/console .     # the operator console (no database)
#   docker build --target migrate      -t dtx/migrate .     # one-shot: applies every service's migrations
#   docker build --target demo         -t dtx/demo .        # one-shot: places a few orders (npm start's demo)
#
# docker-compose.yml builds all of them. Stages:
#   manifests   only package.json files + lockfile, so dependency layers are
#               rebuilt only when dependencies change, not on every source edit
#   build-deps  every dependency (dev included): TypeScript, Prisma's generator
#   build       `bash scripts/run.sh build` (prisma generate offline + tsc -b),
#               then /out holds only what runs: dist/ + package.json + migrations
#               (the libraries' migrations go to the migrate target only)
#   prod-deps   `npm ci --omit=dev --omit=optional`: production dependencies only
#   runtime     Node + prod node_modules + /out, as the unprivileged `node` user

# Node 24 (the version in .nvmrc) on Debian bookworm, slim variant.
# Pinned to an exact version tag. Pin the digest as well when you build
# (`docker buildx imagetools inspect node:24.21.0-bookworm-slim` prints it),
# e.g. --build-arg NODE_IMAGE=node:24.21.0-bookworm-slim@sha256:<digest>;
# it is not written here because it could not be verified from this project's
# offline build machines.
ARG NODE_IMAGE=node:24.21.0-bookworm-slim

FROM ${NODE_IMAGE} AS base
WORKDIR /app
ENV NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false

FROM base AS manifests
COPY . /src
# Keep the directory layout of every workspace's package.json (npm ci needs them all).
RUN mkdir -p /out \
 && cd /src \
 && cp package.json package-lock.json /out/ \
 && find apps libs -name package.json -not -path '*/node_modules/*' -exec cp --parents {} /out/ \;

FROM base AS build-deps
COPY --from=manifests /out/ ./
# hostca (optional): a CA bundle lent to npm where the registry is reached through a
# TLS-inspecting proxy (scripts/containers/images.sh passes the machine's); never kept in a layer.
RUN --mount=type=cache,target=/root/.npm \
    --mount=type=secret,id=hostca \
    if [ -f /run/secrets/hostca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/hostca; fi \
 && npm ci --ignore-scripts --no-fund --no-audit --loglevel=error

FROM build-deps AS build
COPY . .
RUN bash scripts/run.sh build
# Collect what runs: each workspace's package.json (module resolution reads its
# "exports") and compiled dist/ without tests, type declarations or build info,
# plus the SQL migrations for the migrate target.
RUN mkdir -p /out \
 && for manifest in $(find apps libs -name package.json -not -path '*/node_modules/*' -not -path '*/dist/*'); do \
      dir="$(dirname "$manifest")"; \
      mkdir -p "/out/$dir"; \
      cp "$manifest" "/out/$dir/"; \
      if [ -d "$dir/dist" ]; then cp -r "$dir/dist" "/out/$dir/"; fi; \
    done \
 && find /out -type d -path '*/dist/test' -prune -exec rm -rf {} + \
 && find /out \( -name '*.d.ts' -o -name '*.d.ts.map' -o -name '*.tsbuildinfo' \) -delete \
 && rm -rf /out/apps/system-e2e \
 && cp package.json /out/ \
 && mkdir -p /out/prisma \
 && for service in order inventory payment orchestrator coordinator; do \
      cp -r "prisma/$service" "/out/prisma/$service"; \
    done
# The tables libraries own (libs/shared/<library>/migrations, declared per service
# database in libs/shared/prisma/src/lib/schema-modules.ts), for the migrate target.
RUN mkdir -p /library-migrations \
 && find libs -mindepth 3 -maxdepth 3 -type d -name migrations -exec cp -r --parents {} /library-migrations/ \;

FROM base AS prod-deps
COPY --from=manifests /out/ ./
# --omit=optional as well: the Prisma CLI (a dev dependency) is an optional peer of
# @prisma/client, which npm would otherwise install with its engines and TypeScript
# (441 -> 177 MB); the only other optional package is pg's for Cloudflare Workers.
RUN --mount=type=cache,target=/root/.npm \
    --mount=type=secret,id=hostca \
    if [ -f /run/secrets/hostca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/hostca; fi \
 && npm ci --omit=dev --omit=optional --ignore-scripts --no-fund --no-audit --loglevel=error

FROM base AS runtime
# HOST=0.0.0.0: the services bind 127.0.0.1 by default, unreachable from outside a container.
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    LOG_LEVEL=info
# Files stay owned by root and read-only for the service user.
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /out/ ./
USER node
# The OpenTelemetry SDK must be loaded before the application (see README, "Traces").
# kafkajs 2.2.4 schedules a negative timeout when idle; Node 24 warns on every one.
ENTRYPOINT ["node", "--enable-source-maps", "--disable-warning=TimeoutNegativeWarning", "--import", "/app/libs/shared/telemetry/dist/src/register.js"]
# The services exit within SHUTDOWN_TIMEOUT_MS (8 s) of SIGTERM.
STOPSIGNAL SIGTERM
# Ready = its database and Kafka answer; slim images have no curl, so Node asks.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + process.env.PORT + '/health/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

FROM runtime AS order
ENV PORT=3001 OTEL_SERVICE_NAME=order
EXPOSE 3001
CMD ["/app/apps/order/dist/src/main.js"]

FROM runtime AS inventory
ENV PORT=3002 OTEL_SERVICE_NAME=inventory
EXPOSE 3002
CMD ["/app/apps/inventory/dist/src/main.js"]

FROM runtime AS payment
ENV PORT=3003 OTEL_SERVICE_NAME=payment
EXPOSE 3003
CMD ["/app/apps/payment/dist/src/main.js"]

FROM runtime AS orchestrator
ENV PORT=3004 OTEL_SERVICE_NAME=orchestrator
EXPOSE 3004
CMD ["/app/apps/orchestrator/dist/src/main.js"]

FROM runtime AS coordinator
ENV PORT=3005 OTEL_SERVICE_NAME=coordinator
EXPOSE 3005
CMD ["/app/apps/coordinator/dist/src/main.js"]

FROM runtime AS console
ENV PORT=3006 OTEL_SERVICE_NAME=console
EXPOSE 3006
CMD ["/app/apps/console/dist/src/main.js"]

# One-shot: applies the pending migrations of every service database, reading
# ORDER_DATABASE_URL, INVENTORY_DATABASE_URL, PAYMENT_DATABASE_URL,
# ORCHESTRATOR_DATABASE_URL and COORDINATOR_DATABASE_URL. Safe to run twice or
# concurrently (Prisma's advisory lock, applied migrations are skipped).
FROM runtime AS migrate
COPY --from=build /library-migrations/ ./
COPY docker/migrate.sh /app/docker/migrate.sh
HEALTHCHECK NONE
ENTRYPOINT ["/bin/sh", "/app/docker/migrate.sh"]
CMD []

# One-shot: the demo of `npm start` against ORDER_URL, INVENTORY_URL, PAYMENT_URL, ORCHESTRATOR_URL.
FROM runtime AS demo
HEALTHCHECK NONE
ENTRYPOINT ["node", "/app/apps/demo/dist/src/demo.js"]
CMD []
