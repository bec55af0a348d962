FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# The embedded database template (postinstall) is for PGlite; containers use DATABASE_URL.
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
ENV HOST=0.0.0.0 PORT=3000 DATA_DIR=/data
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY migrations ./migrations
USER node
EXPOSE 3000
# A small VM is the usual home: a bounded old generation keeps the process near 150 MB under load.
CMD ["node", "--max-old-space-size=128", "--max-semi-space-size=8", "dist/server.js"]
