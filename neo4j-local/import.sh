#!/usr/bin/env bash
# Run Neo4j's offline bulk importer (`neo4j-admin database import full`) from Maven Central's jars;
# builds them first only if missing or older than import-tool/pom.xml.
# Usage: import.sh --build-only | import.sh HOME [importer arguments...]
# HOME is the server's data directory (as run.sh --data-dir): the database goes to HOME/data.
# Heap: NEO4J_IMPORT_HEAP (default 1g); extra JVM flags: JAVA_OPTS.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
tool="$here/import-tool"
stamp="$tool/target/lib/.built"

if [[ ! -f "$stamp" || "$tool/pom.xml" -nt "$stamp" ]]; then
  echo "neo4j-local: building the importer with Maven (the first build downloads its jars into ~/.m2)..." >&2
  log="$(mktemp)"
  mvn -q -B -f "$tool/pom.xml" package >"$log" 2>&1 || { cat "$log" >&2; rm -f "$log"; exit 1; }
  rm -f "$log"
  touch "$stamp"
fi
[[ "${1:-}" == "--build-only" ]] && exit 0

home="$(cd "${1:?usage: import.sh HOME [importer arguments...]}" && pwd)"
shift
# The importer reads its settings from NEO4J_CONF; only the data directory matters here, and a
# conf folder of its own keeps HOME as the server's launcher left it.
conf="$(mktemp -d)"
trap 'rm -rf "$conf"' EXIT
echo "server.directories.data=$home/data" >"$conf/neo4j.conf"
NEO4J_HOME="$home" NEO4J_CONF="$conf" java -Xmx"${NEO4J_IMPORT_HEAP:-1g}" ${JAVA_OPTS:-} \
  -cp "$tool/target/lib/*" org.neo4j.cli.AdminTool database import full "$@"
