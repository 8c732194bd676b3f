# syntax=docker/dockerfile:1
#
# The survey bot. The image runs the bot by default (`npm start`); run the export worker from
# the same image with `npm run worker` (see docker-compose.yml).
#
# There is no build step: tsx (a runtime dependency) runs the TypeScript sources directly.
# The Node major matches package.json's "engines" (>=24 <25).

ARG NODE_IMAGE=node:24-bookworm-slim

# --- Stage 1: runtime dependencies only ---------------------------------------------------
# devDependencies (typescript, vitest, the `node` binary package, test tools) stay out: the
# base image already ships Node 24, and nothing under src/ imports a devDependency at run time
# (tests/deploy/dockerfile.test.ts checks that).
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# --- Stage 2: the image that runs ---------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
# Listen on every interface inside the container so a reverse proxy (webhook mode) and a
# Prometheus scraper can reach /telegram/webhook and /metrics; the port is fixed, and
# docker-compose.yml maps nothing to the host for the bot.
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    EXPORT_DIR=/data/exports
# `docker stop` sends SIGTERM to npm, which passes it to the shell running the script. dash
# (Debian's sh) dies without passing it on, leaving the bot to be killed 10 s later; bash execs
# the script's command, so SIGTERM reaches tsx and the bot, which finish updates in flight.
ENV npm_config_script_shell=/bin/bash \
    npm_config_update_notifier=false
WORKDIR /app

# Code and dependencies belong to root and are read-only for the process that runs them.
COPY --from=deps /app/node_modules ./node_modules
COPY package.json package-lock.json ./
COPY src ./src

# The only place the process writes: export zips (a volume shared by bot and workers).
RUN mkdir -p /data/exports && chown node:node /data/exports
USER node

EXPOSE 8080

# Slim images have no curl: ask Node's fetch. /healthz answers 200 only while Redis and the
# Bot API both answer. The worker serves no HTTP, so compose turns this off for it.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/healthz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

CMD ["npm", "start"]
