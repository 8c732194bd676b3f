# syntax=docker/dockerfile:1
#
# The survey bot. The image runs the bot by default (`node src/bot/main.ts`); run the export
# worker from the same image with `node src/export/worker-main.ts` (see docker-compose.yml).
#
# There is no build step: Node 24 strips the types and runs the TypeScript sources directly
# (the code is erasable-only; tsconfig's erasableSyntaxOnly checks it).
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
WORKDIR /app

# Code and dependencies belong to root and are read-only for the process that runs them.
COPY --from=deps /app/node_modules ./node_modules
COPY package.json package-lock.json ./
COPY src ./src
# The studies: every XLSForm workbook in FORMS_DIR (default forms/) is one; start-up loads them.
COPY forms ./forms

# The only place the process writes: export zips (a volume shared by bot and workers).
RUN mkdir -p /data/exports && chown node:node /data/exports
USER node

EXPOSE 8080

# Slim images have no curl: ask Node's fetch. /healthz answers 200 only while Redis and the
# Bot API both answer. The worker serves no HTTP, so compose turns this off for it.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/healthz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

# Node itself is the container's main process, with no npm, shell or tsx in between: `docker stop`'s
# SIGTERM reaches the bot, which finishes the updates in flight before it closes Redis and exits.
CMD ["node", "src/bot/main.ts"]
