# The vidu-flow worker and callback receiver (one image, two commands; see docker-compose.yml).
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY vidu ./vidu
COPY contract ./contract
COPY workflows ./workflows
COPY activities ./activities
COPY worker ./worker
COPY client ./client
COPY tsconfig.json ./
USER node
CMD ["npx", "tsx", "worker/main.ts"]
