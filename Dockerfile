# The vidu-flow image: worker (default command), callback receiver, HTTP API and simulator — one
# image, several commands (see docker-compose.yml). TypeScript runs through tsx, as in development.
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY tsconfig.json ./
COPY core ./core
COPY vidu ./vidu
COPY contract ./contract
COPY platform ./platform
COPY workflows ./workflows
COPY activities ./activities
COPY worker ./worker
COPY client ./client
COPY cli ./cli
COPY receiver ./receiver
COPY api ./api
# The studio's browser code, bundled by the API when it first serves /studio/ (api/studio/assets.ts).
COPY studio ./studio
COPY sim ./sim
# The workflow bundle, built once into the image: no worker start (or restart after a crash) runs
# webpack, which takes 10–30 s of CPU. A worker whose interceptors differ (tracing on) bundles from
# source instead and says so in its log.
ENV VIDU_FLOW_WORKFLOW_BUNDLE=/app/build/workflow-bundle.js
RUN node --import tsx worker/workflow-bundle.ts "$VIDU_FLOW_WORKFLOW_BUNDLE"
# Worker Versioning: the worker is version <hash of this bundle> of VIDU_FLOW_DEPLOYMENT_NAME unless
# VIDU_FLOW_BUILD_ID names one (worker/versioning-config.ts, README "Upgrading").
ENV VIDU_FLOW_DEPLOYMENT_NAME=vidu-flow
# The balance watch reads the account's credits every 10 minutes (README "Spend control"); the
# floors VIDU_MIN_REMAINING_CREDITS(_INTERACTIVE) are unset: nothing is held unless asked.
ENV VIDU_FLOW_BALANCE_INTERVAL_SECONDS=600
# Local folders the non-root user can write: with ARCHIVE_URL/STAGING_URL=s3://… they only hold this
# container's cache of staged inputs; without S3 they are the archive and staging themselves.
RUN mkdir -p /data/archive /data/staging && chown -R node:node /data
ENV NODE_ENV=production ARCHIVE_DIR=/data/archive STAGING_DIR=/data/staging
# The processes listen on 127.0.0.1 by default (outside a container that is the safe choice); in
# one, a port is reached from outside the container only if bound to all of its interfaces. Which
# of them the host exposes, and where, is the port publishing's choice (docker-compose.yml: 127.0.0.1).
ENV API_HOST=0.0.0.0 CALLBACK_HOST=0.0.0.0 METRICS_HOST=0.0.0.0
USER node
# 8788: callback receiver (receiver/main.ts); 8787: HTTP API; 9464: METRICS_PORT by convention.
EXPOSE 8787 8788 9464
# `node --import tsx` rather than `npx tsx`: signals (docker stop) reach the process itself, so a
# SIGTERM drains the worker instead of killing a wrapper and orphaning it.
CMD ["node", "--import", "tsx", "worker/main.ts"]
