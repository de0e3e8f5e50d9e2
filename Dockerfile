# Production image of Sotto on the official Open Liberty image (non-root, configured by environment).
#   docker build -t sotto .
#   docker run -p 443:9443 -p 80:9080 -e KEYSTORE_PASSWORD=... \
#     -e KEYSTORE_LOCATION=/etc/sotto/key.p12 -v /path/key.p12:/etc/sotto/key.p12:ro sotto
# It serves HTTPS only (plain HTTP is redirected to https://host/) and refuses to start without a KEYSTORE_PASSWORD of
# its own: it is not a development server (no SOTTO_DEVELOPMENT), and the server.xml default is public.
# /metrics stays off unless the operator passes a secret: -e SOTTO_METRICS_TOKEN=... (README, "Metrics"); the image
# carries none.
# Build stage: the WAR and the JDBC drivers, from the same pom as development. The pom runs npm ci (package-lock.json)
# for the browser library the WAR ships (the invite QR code), so the stage needs Node.js with npm.
FROM maven:3.9-eclipse-temurin-17 AS build
RUN apt-get update -qq \
 && apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY pom.xml package.json package-lock.json ./
RUN mvn -B -q -ntp dependency:go-offline -DexcludeArtifactIds=openliberty-runtime || true
COPY src src
COPY liberty liberty
COPY docs docs
RUN mvn -B -q -ntp -DskipTests package \
 && mvn -B -q -ntp dependency:copy-dependencies -DincludeScope=provided -DincludeArtifactIds=h2,postgresql \
      -Dmdep.stripVersion=true -DoutputDirectory=/src/target/jdbc

# Runtime stage: Open Liberty with only the features server.xml lists.
FROM icr.io/appcafe/open-liberty:26.0.0.5-kernel-slim-java17-openj9-ubi
ARG VERSION=1.0.0
LABEL org.opencontainers.image.title="Sotto" \
      org.opencontainers.image.description="Anonymous end-to-end encrypted chat rooms" \
      org.opencontainers.image.version="${VERSION}"

COPY --chown=1001:0 liberty/config/ /config/
RUN features.sh
COPY --chown=1001:0 --from=build /src/target/jdbc/ /opt/ol/wlp/usr/shared/resources/jdbc/
COPY --chown=1001:0 --from=build /src/target/sotto.war /config/dropins/sotto.war

# Listen on all interfaces inside the container, HTTPS only; everything else comes from the environment (see README).
# (ProductionServerIT starts a server with this ENV and the same liberty/config.)
ENV HTTP_HOST=* \
    SOTTO_DB_KIND=h2 \
    SOTTO_HTTPS_ONLY=true
EXPOSE 9080 9443
USER 1001
RUN configure.sh
