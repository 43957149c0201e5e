# Two images from one file. The default (last) stage is the production runtime: the worker, API, codec server
# and CLI, compiled from tsconfig.runtime.json, so no simulator, benchmark or development script is in it.
# The `tools` stage adds those, for the compose stack's simulator and for drills; it is never deployed.
# Workflows are bundled at build time (dist/workflow-bundle.js), so the worker starts without webpack.
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts

FROM deps AS build
COPY . .
RUN npm run build:runtime && npm prune --omit=dev

FROM deps AS tools
COPY . .
RUN npm run build
USER node
CMD ["node", "dist/tools/simulator/main.js"]

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/db/migrations ./db/migrations
COPY package.json ./
USER node
CMD ["node", "dist/worker/main.js"]
