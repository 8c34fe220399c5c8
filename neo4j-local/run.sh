#!/usr/bin/env bash
# Run the local Neo4j 5.26 server; builds it first only if the jar is missing or older than its sources.
# All arguments go to the launcher (see --help). Heap: NEO4J_LOCAL_HEAP (default 1g); extra JVM flags: JAVA_OPTS.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
jar="$here/target/neo4j-local.jar"

if [[ ! -f "$jar" || ! -d "$here/target/lib" || -n "$(find "$here/pom.xml" "$here/src" -newer "$jar" -print -quit)" ]]; then
  echo "neo4j-local: building with Maven (the first build downloads ~140 MB into ~/.m2)..." >&2
  log="$(mktemp)"
  mvn -q -B -f "$here/pom.xml" package >"$log" 2>&1 || { cat "$log" >&2; rm -f "$log"; exit 1; }
  rm -f "$log"
  touch "$jar" # the jar plugin may skip rewriting an unchanged jar; mark it fresh anyway
fi

# `--build-only`: build (if needed) and stop; `make test` uses it before the tests start.
[[ "${1:-}" == "--build-only" ]] && exit 0

# Persistent data lives next to this script unless told otherwise.
export NEO4J_LOCAL_DATA_DIR="${NEO4J_LOCAL_DATA_DIR:-$here/data}"

# GDS's jars are on the class path through the jar's manifest (so its kernel extension loads) and
# in the plugins folder (so its procedures register); GDS needs unrestricted procedure access.
# The --add-opens/netty flags are the ones Neo4j's own launcher passes to the JVM.
exec java -Xmx"${NEO4J_LOCAL_HEAP:-1g}" \
  -XX:+UseG1GC -XX:-OmitStackTraceInFastThrow -XX:+ExitOnOutOfMemoryError \
  --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED \
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --enable-native-access=ALL-UNNAMED \
  -Dio.netty.tryReflectionSetAccessible=true -Djdk.nio.maxCachedBufferSize=1024 -Dlog4j2.disable.jmx=true \
  ${JAVA_OPTS:-} -jar "$jar" \
  -C server.directories.plugins="$here/target/plugins" -C 'dbms.security.procedures.unrestricted=gds.*' \
  "$@"
