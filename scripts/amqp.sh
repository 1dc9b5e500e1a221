#!/usr/bin/env bash
# scripts/amqp.sh: a real AMQP 1.0 broker (Debian's rabbitmq-server with its
# rabbitmq_amqp1_0 plugin) for tests and development, without Docker.
#
#   scripts/amqp.sh start DIR PORT [--epmd-port P] [--dist-port P]
#       Starts a RabbitMQ node of its own: data, logs, config, Erlang cookie
#       and node name (tracegraph-PORT@localhost) under DIR, AMQP on
#       127.0.0.1:PORT, its own epmd (--epmd-port, default PORT+10000) and
#       distribution port (--dist-port, default PORT+10001), so it neither
#       meets nor disturbs the system's RabbitMQ or another instance. Returns
#       once the node has booted and AMQP answers, and prints the URL on its
#       last line (amqp://guest:guest@127.0.0.1:PORT). Already running on DIR:
#       prints the URL again. On failure: the last lines of its log.
#   scripts/amqp.sh stop DIR
#       Stops the node started on DIR (nothing to do when none runs). Its
#       data stays in DIR: start it again on DIR and durable queues and
#       persistent messages are still there.
#
# Installs rabbitmq-server with apt-get when it is missing (as root), without
# starting the system's service. Why RabbitMQ rather than ActiveMQ Artemis:
# it is a Debian package (no download outside the package registries), boots
# in a few seconds in about 100 MB, and its AMQP 1.0 plugin gives what the
# CFX consumer needs: durable queues addressed as /queue/NAME, settlement
# after processing, redelivery of unsettled messages.
set -euo pipefail

die() { echo "amqp.sh: $*" >&2; exit 1; }

rabbit_bin=/usr/lib/rabbitmq/bin

install_rabbitmq() {
  [ -x "$rabbit_bin/rabbitmq-server" ] && return
  [ "$(id -u)" = 0 ] || die "rabbitmq-server is not installed; as root: apt-get install rabbitmq-server"
  echo "amqp.sh: installing Debian's rabbitmq-server (its service is not started)" >&2
  # policy-rc.d exit 101 keeps the package's own service from starting.
  local policy=/usr/sbin/policy-rc.d restore=""
  if [ -e "$policy" ]; then restore=$(mktemp); cp -p "$policy" "$restore"; fi
  printf '#!/bin/sh\nexit 101\n' >"$policy"; chmod +x "$policy"
  local rc=0
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq rabbitmq-server >/dev/null; } || rc=$?
  if [ -n "$restore" ]; then mv "$restore" "$policy"; else rm -f "$policy"; fi
  [ "$rc" = 0 ] || die "apt-get install rabbitmq-server failed"
}

# env DIR PORT EPMD DIST: the environment of this node, for the server and its CLI.
node_env() {
  local dir=$1 port=$2 epmd=$3 dist=$4
  echo HOME="$dir" \
    RABBITMQ_NODENAME="tracegraph-$port@localhost" \
    RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT="$port" \
    ERL_EPMD_PORT="$epmd" ERL_EPMD_ADDRESS=127.0.0.1 RABBITMQ_DIST_PORT="$dist" \
    RABBITMQ_CONFIG_FILE="$dir/rabbitmq" RABBITMQ_ENABLED_PLUGINS_FILE="$dir/enabled_plugins" \
    RABBITMQ_MNESIA_BASE="$dir/mnesia" RABBITMQ_LOG_BASE="$dir/log" RABBITMQ_PID_FILE="$dir/rabbitmq.pid" \
    RABBITMQ_PLUGINS_EXPAND_DIR="$dir/plugins-expand"
}

ctl() { # ctl DIR CMD...: rabbitmqctl against the node started on DIR
  local dir=$1; shift
  env $(cat "$dir/env") "$rabbit_bin/rabbitmqctl" "$@"
}

alive() { [ -f "$1/env" ] && [ -f "$1/rabbitmq.pid" ] && kill -0 "$(cat "$1/rabbitmq.pid")" 2>/dev/null; }

port_answers() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

start() {
  [ $# -ge 2 ] || die "usage: amqp.sh start DIR PORT [--epmd-port P] [--dist-port P]"
  local dir=$1 port=$2; shift 2
  [[ "$port" =~ ^[0-9]+$ ]] || die "PORT must be a number, not $port"
  local epmd=$((port + 10000)) dist=$((port + 10001))
  while [ $# -gt 0 ]; do
    case "$1" in
      --epmd-port) epmd=${2:?--epmd-port P}; shift 2 ;;
      --dist-port) dist=${2:?--dist-port P}; shift 2 ;;
      *) die "unknown option $1" ;;
    esac
  done
  mkdir -p "$dir"; dir="$(cd "$dir" && pwd)"
  local url="amqp://guest:guest@127.0.0.1:$port"
  if alive "$dir" && port_answers "$port"; then
    echo "amqp.sh: already running on $dir" >&2
    echo "$url"; return
  fi
  port_answers "$port" && die "port $port is taken by another process"
  install_rabbitmq
  mkdir -p "$dir/mnesia" "$dir/log"
  node_env "$dir" "$port" "$epmd" "$dist" >"$dir/env"
  echo '[rabbitmq_amqp1_0].' >"$dir/enabled_plugins"
  # guest may connect from 127.0.0.1 (the default); AMQP 1.0 clients that
  # send no SASL credentials act as guest. Small disk and memory floors
  # suit a test machine shared with others.
  cat >"$dir/rabbitmq.conf" <<EOF
listeners.tcp.default = 127.0.0.1:$port
amqp1_0.default_user = guest
amqp1_0.default_vhost = /
disk_free_limit.absolute = 50MB
vm_memory_high_watermark.relative = 0.2
log.file.level = info
log.console = false
EOF
  [ -f "$dir/.erlang.cookie" ] || { od -An -N16 -tx1 /dev/urandom | tr -d ' \n' >"$dir/.erlang.cookie"; chmod 400 "$dir/.erlang.cookie"; }
  rm -f "$dir/rabbitmq.pid"
  # setsid: the node outlives this script and the shell that called it.
  env $(cat "$dir/env") setsid "$rabbit_bin/rabbitmq-server" >"$dir/server.out" 2>&1 </dev/null &
  local i
  for i in $(seq 1 240); do
    if [ -f "$dir/rabbitmq.pid" ] && port_answers "$port" &&
       ctl "$dir" await_startup --timeout 1 >/dev/null 2>&1; then
      echo "amqp.sh: RabbitMQ $(ctl "$dir" version 2>/dev/null) is up (pid $(cat "$dir/rabbitmq.pid"), data in $dir, AMQP 1.0 on port $port)" >&2
      echo "$url"; return
    fi
    sleep 0.5
  done
  echo "amqp.sh: RabbitMQ did not come up; the last lines of its log:" >&2
  tail -n 30 "$dir/server.out" >&2 || true
  tail -n 30 "$dir"/log/*.log >&2 2>/dev/null || true
  stop "$dir" >/dev/null 2>&1 || true
  exit 1
}

stop() {
  [ $# -eq 1 ] || die "usage: amqp.sh stop DIR"
  local dir=$1
  [ -d "$dir" ] || return 0
  dir="$(cd "$dir" && pwd)"
  if alive "$dir"; then
    local pid; pid=$(cat "$dir/rabbitmq.pid")
    ctl "$dir" stop >/dev/null 2>&1 || kill "$pid" 2>/dev/null || true
    local i
    for i in $(seq 1 120); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$pid" 2>/dev/null && { echo "amqp.sh: still running after 60 s, killing" >&2; kill -9 "$pid"; }
    echo "amqp.sh: stopped (pid $pid)" >&2
  fi
  # The node's own epmd (started for its port) goes with it.
  if [ -f "$dir/env" ]; then
    local epmd; epmd=$(tr ' ' '\n' <"$dir/env" | sed -n 's/^ERL_EPMD_PORT=//p')
    [ -n "$epmd" ] && ERL_EPMD_PORT=$epmd epmd -kill >/dev/null 2>&1 || true
  fi
  rm -f "$dir/rabbitmq.pid"
}

case "${1:-}" in
  start) shift; start "$@" ;;
  stop) shift; stop "$@" ;;
  *) die "usage: amqp.sh start DIR PORT [--epmd-port P] [--dist-port P] | stop DIR" ;;
esac
