#!/usr/bin/env bash
# scripts/neo4j.sh: a real Neo4j server (Community, started as a library with
# its Bolt connector) for tests and development, without Docker.
#
#   scripts/neo4j.sh start DIR PORT [--auth USER:PASSWORD] [--version V]
#       Starts Neo4j with its database under DIR and Bolt on 127.0.0.1:PORT,
#       returns once Bolt answers and prints the URI on its last line
#       (bolt://127.0.0.1:PORT). Without --auth, auth is off. Already running
#       on DIR: prints the URI again. On failure: the last lines of its log.
#   scripts/neo4j.sh stop DIR
#       Stops the Neo4j started on DIR (nothing to do when none runs).
#
# The first start downloads Neo4j from Maven Central into ~/.m2 (about
# 150 MB) and compiles scripts/neo4j. Version: --version or
# TRACEGRAPH_NEO4J_VERSION (default the 5.26 LTS below, which runs on Java 17);
# the current line (2025.x and later) needs Java 21+: the script takes
# NEO4J_JAVA_HOME, or else the newest JDK under /usr/lib/jvm that fits.
# Memory: NEO4J_HEAP (default 1g) plus a 512 MB page cache; NEO4J_TX_MEMORY
# caps each transaction (db.memory.transaction.max, default 512m).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
proj="$here/neo4j"
default_version=5.26.30

die() { echo "neo4j.sh: $*" >&2; exit 1; }

java_major() { "$1" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1; }

# pick_java VERSION: a java binary that runs that Neo4j line.
pick_java() {
  local need=17
  case "$1" in 5.*) need=17 ;; *) need=21 ;; esac
  if [ -n "${NEO4J_JAVA_HOME:-}" ]; then echo "$NEO4J_JAVA_HOME/bin/java"; return; fi
  local cand best="" bestv=0
  for cand in "${JAVA_HOME:-/nonexistent}/bin/java" "$(command -v java || true)" /usr/lib/jvm/*/bin/java; do
    [ -x "$cand" ] || continue
    local v; v=$(java_major "$cand"); [ -n "$v" ] || continue
    if [ "$need" = 17 ] && [ "$v" = 17 ]; then echo "$cand"; return; fi
    if [ "$v" -ge "$need" ] && [ "$v" -gt "$bestv" ]; then best=$cand; bestv=$v; fi
  done
  [ -n "$best" ] || die "no Java $need+ found for Neo4j $1 (set NEO4J_JAVA_HOME)"
  echo "$best"
}

# build VERSION JAVA: compiles the launcher and resolves Neo4j's classpath once per version.
build() {
  local version=$1 java=$2 out="$proj/target/$1"
  if [ -f "$out/classpath.txt" ] && [ -f "$out/classes/tracegraph/neo4j/Server.class" ] &&
     [ "$out/classes/tracegraph/neo4j/Server.class" -nt "$proj/src/main/java/tracegraph/neo4j/Server.java" ]; then
    return
  fi
  command -v mvn >/dev/null || die "Maven (mvn) is needed to fetch Neo4j: apt-get install maven"
  local release=17; case "$version" in 5.*) ;; *) release=21 ;; esac
  echo "neo4j.sh: building the Neo4j $version launcher (first time: downloads Neo4j from Maven Central)" >&2
  JAVA_HOME="$(dirname "$(dirname "$(readlink -f "$java")")")" \
    mvn -q -B -f "$proj/pom.xml" -Dneo4j.version="$version" -Djava.release="$release" \
      compile dependency:build-classpath -Dmdep.outputFile="$out/classpath.txt" >&2 ||
    die "building the launcher for Neo4j $version failed"
}

alive() { [ -f "$1/neo4j.pid" ] && kill -0 "$(cat "$1/neo4j.pid")" 2>/dev/null; }

bolt_answers() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

start() {
  [ $# -ge 2 ] || die "usage: neo4j.sh start DIR PORT [--auth USER:PASSWORD] [--version V]"
  local dir=$1 port=$2; shift 2
  local auth="" version="${TRACEGRAPH_NEO4J_VERSION:-$default_version}"
  while [ $# -gt 0 ]; do
    case "$1" in
      --auth) auth=${2:?--auth USER:PASSWORD}; shift 2 ;;
      --version) version=${2:?--version V}; shift 2 ;;
      *) die "unknown option $1" ;;
    esac
  done
  [[ "$port" =~ ^[0-9]+$ ]] || die "PORT must be a number, not $port"
  mkdir -p "$dir"; dir="$(cd "$dir" && pwd)"
  if alive "$dir" && [ -f "$dir/ready" ]; then
    echo "neo4j.sh: already running on $dir" >&2
    cat "$dir/ready"; return
  fi
  bolt_answers "$port" && die "port $port is taken by another process"
  local java; java=$(pick_java "$version")
  build "$version" "$java"
  local out="$proj/target/$version" args=("$dir" "$port")
  if [ -n "$auth" ]; then args+=("${auth%%:*}" "${auth#*:}"); fi
  rm -f "$dir/ready"
  # The JVM flags Neo4j's own neo4j.conf passes on Java 17+.
  nohup "$java" -Xms256m -Xmx"${NEO4J_HEAP:-1g}" -XX:+UseG1GC -XX:-OmitStackTraceInFastThrow \
    -XX:+ExitOnOutOfMemoryError -Djdk.nio.maxCachedBufferSize=1024 \
    -Dtracegraph.txmemory.each="${NEO4J_TX_MEMORY:-512m}" \
    -Dio.netty.tryReflectionSetAccessible=true -Dorg.neo4j.io.pagecache.impl.muninn.MuninnPageCache.disableConcurrentTrackerCheck=true \
    --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED \
    --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.lang=ALL-UNNAMED \
    --enable-native-access=ALL-UNNAMED \
    -cp "$out/classes:$(cat "$out/classpath.txt")" tracegraph.neo4j.Server "${args[@]}" \
    >"$dir/neo4j.out" 2>&1 </dev/null &
  echo $! >"$dir/neo4j.pid"
  local i
  for i in $(seq 1 300); do
    if [ -f "$dir/ready" ] && bolt_answers "$port"; then
      echo "neo4j.sh: Neo4j $version is up (pid $(cat "$dir/neo4j.pid"), data in $dir)" >&2
      cat "$dir/ready"; return
    fi
    if ! alive "$dir"; then break; fi
    sleep 0.5
  done
  echo "neo4j.sh: Neo4j did not come up; the last lines of its log:" >&2
  tail -n 30 "$dir/neo4j.out" >&2 || true
  [ -f "$dir/logs/debug.log" ] && tail -n 20 "$dir/logs/debug.log" >&2
  stop "$dir" >/dev/null 2>&1 || true
  exit 1
}

stop() {
  [ $# -eq 1 ] || die "usage: neo4j.sh stop DIR"
  local dir=$1
  [ -d "$dir" ] || return 0
  if alive "$dir"; then
    local pid; pid=$(cat "$dir/neo4j.pid")
    kill "$pid"
    local i
    for i in $(seq 1 120); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$pid" 2>/dev/null && { echo "neo4j.sh: still running after 60 s, killing" >&2; kill -9 "$pid"; }
    echo "neo4j.sh: stopped (pid $pid)" >&2
  fi
  rm -f "$dir/neo4j.pid" "$dir/ready"
}

case "${1:-}" in
  start) shift; start "$@" ;;
  stop) shift; stop "$@" ;;
  *) die "usage: neo4j.sh start DIR PORT [--auth USER:PASSWORD] [--version V] | stop DIR" ;;
esac
