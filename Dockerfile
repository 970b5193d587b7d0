# syntax=docker/dockerfile:1
# The dualwrite image: one image for every role, chosen by the command
#   docker run dualwrite:local worker | api | sandbox finops | sandbox dataverse
# The CLI is TypeScript run by tsx (a runtime dependency), so the image carries the sources;
# only the web console is built (by Vite). Checked statically by test/deployment/dockerfile.test.ts.

ARG NODE_IMAGE=node:20-bookworm-slim

# Dependencies, built where a compiler is at hand: better-sqlite3 falls back to compiling from
# source when no prebuilt binary matches.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
# Dev dependencies (typescript, eslint, test tools) are not needed at run time: tsx, the Temporal
# worker and its workflow bundler are all runtime dependencies.
RUN npm ci --omit=dev --no-audit --no-fund

# The web console is bundled by Vite (a dev dependency) here; only its output ships.
FROM ${NODE_IMAGE} AS console
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY src ./src
RUN npm run build:console

FROM ${NODE_IMAGE}
ENV NODE_ENV=production \
    DUALWRITE_LISTEN_HOST=0.0.0.0 \
    DUALWRITE_API_PORT=8080
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json package-lock.json tsconfig.json ./
COPY bin ./bin
COPY src ./src
COPY --from=console /app/src/console/dist ./src/console/dist
COPY activities ./activities
COPY workflows ./workflows
COPY maps ./maps
# The official image's unprivileged user; /data holds the sandboxes' SQLite files.
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 8080
# For the API role; compose gives the worker and sandbox roles checks of their own.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.DUALWRITE_API_PORT||8080)+'/health',{signal:AbortSignal.timeout(3000)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "bin/dualwrite.js"]
CMD ["worker"]
