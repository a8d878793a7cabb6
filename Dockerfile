# xenhpc in a container: the package `npm pack` makes, installed globally on Node 20.
#   docker build -t xenhpc .
#   docker run --rm -v "$PWD:/work" -u "$(id -u):$(id -g)" xenhpc run /opt/xenhpc/scenarios/quickstart.yaml
# writes ./out (results.csv, summary.csv, compare.csv, figures, manifest.json). docs/hpc.md.

# ---- build: compile with the lockfile's exact dependencies, then pack what a user installs ----
FROM node:20-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` compiles, and the sources are not here yet.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json README.md ./
COPY bin ./bin
COPY src ./src
COPY test ./test
COPY bench ./bench
COPY scenarios ./scenarios
COPY docs ./docs
COPY examples ./examples
COPY schema ./schema
RUN npx tsc -p . \
 && npm pack --ignore-scripts --pack-destination /tmp \
 && mv /tmp/xenhpc-*.tgz /tmp/xenhpc.tgz

# ---- runtime: Node and the package with its runtime dependencies only ----
FROM node:20-slim
COPY --from=build /tmp/xenhpc.tgz /tmp/xenhpc.tgz
RUN npm install --global --omit=dev --ignore-scripts --no-audit --no-fund /tmp/xenhpc.tgz \
 && rm /tmp/xenhpc.tgz \
 && npm cache clean --force \
 && ln -s "$(npm root --global)/xenhpc" /opt/xenhpc \
 && xenhpc --version
# Outputs go to the working directory (mount the host's there); HOME for any user -u gives.
WORKDIR /work
ENV HOME=/tmp
ENTRYPOINT ["xenhpc"]
CMD ["--help"]
