# The image manifests/deploy/deployment.yaml runs: `docker build -t prescient:0.1.0 .`
FROM node:20-bookworm-slim
WORKDIR /opt/prescient
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev && npm cache clean --force
COPY api api
COPY xds-server xds-server
COPY scorer scorer
COPY data data
COPY bin bin
# Keeps glibc from holding on to the memory of a reconnect storm's large responses
# (docs/benchmarks.md, "Memory"): buffers of 128 KiB and more are mmapped and returned at once.
ENV MALLOC_MMAP_THRESHOLD_=131072
USER node
EXPOSE 18000 9901
ENTRYPOINT ["node", "bin/prescient.js"]
CMD ["serve", "--config", "/etc/prescient"]
