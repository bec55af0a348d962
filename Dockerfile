# Node.js 24, the active LTS line (20 reached its end of life in April 2026).
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# The embedded database template (postinstall) is for PGlite; containers use DATABASE_URL.
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
# The image keeps the runtime dependencies only: no tsx, esbuild, pino-pretty or TypeScript.
RUN npm run build && npm prune --omit=dev --no-audit --no-fund --ignore-scripts
# Optional packages to leave out, for a smaller image: a PostgreSQL server and local media need
# neither (--build-arg WITHOUT="@electric-sql/pglite @aws-sdk/client-s3": 88 MB of node_modules
# instead of 136). `npm ci --omit=optional` cannot do this: it also drops sharp's native binary.
ARG WITHOUT=""
RUN if [ -n "$WITHOUT" ]; then npm uninstall --no-save --no-audit --no-fund --ignore-scripts --omit=dev $WITHOUT; fi

FROM node:24-bookworm-slim
WORKDIR /app
ENV HOST=0.0.0.0 PORT=3000 DATA_DIR=/data
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY migrations ./migrations
# DATA_DIR (media, the embedded database) belongs to the user the server runs as: a new named
# volume mounted there starts as a copy of this directory, ownership included.
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 3000
# A small VM is the usual home: a bounded old generation keeps the process near 150 MB under load.
CMD ["node", "--max-old-space-size=128", "--max-semi-space-size=8", "dist/server.js"]
