#!/usr/bin/env bash
# pg-baseline-up.sh starts a throwaway PostgreSQL cluster for the recursive-CTE
# baseline (package pgbaseline) and prints its DSN on standard output, so that
#
#   export TRACEGRAPH_PG_DSN=$(scripts/pg-baseline-up.sh /tmp/tracegraph-pg)
#   go test ./pgbaseline/
#   scripts/pg-baseline-down.sh /tmp/tracegraph-pg
#
# Usage: pg-baseline-up.sh DIR [PORT]   (PORT defaults to 54329)
#
# It installs the Debian package postgresql when no PostgreSQL server is found
# (as root, with apt-get), creates a cluster in DIR/data owned by the postgres
# user (when run as root, which also makes the directories above DIR
# traversable so that user can reach it; as the current user otherwise), listening on
# 127.0.0.1:PORT and on a unix socket in DIR/run, with trust authentication for
# local connections only, starts it, creates the database "tracegraph" and
# prints a DSN that connects through the unix socket (the TCP one is printed on
# standard error). Running it again on a running cluster just prints the DSN.
#
# The settings are those a DBA would give an analytics box with 24 GiB and two
# cores serving read-only queries: shared_buffers 4GB, work_mem 256MB,
# effective_cache_size 12GB, two parallel workers per gather, SSD page costs.
# fsync, synchronous_commit and full_page_writes are off: the data is loaded
# once from a tracegraph store and only read afterwards, so a crash costs a
# reload, never an answer. Never use these settings for data that matters.
set -euo pipefail

dir=${1:?usage: pg-baseline-up.sh DIR [PORT]}
port=${2:-54329}
db=tracegraph

log() { echo "pg-baseline-up: $*" >&2; }

find_bindir() {
	local d
	d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
	if [[ -n $d && -x $d/initdb && -x $d/pg_ctl ]]; then
		echo "$d"
		return
	fi
	if command -v pg_ctl >/dev/null && command -v initdb >/dev/null; then
		dirname "$(command -v pg_ctl)"
	fi
}

bindir=$(find_bindir)
if [[ -z $bindir ]]; then
	if [[ $(id -u) -ne 0 ]]; then
		log "PostgreSQL is not installed; run as root to install it (apt-get install postgresql)"
		exit 1
	fi
	log "installing postgresql"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >&2
	apt-get install -y -qq postgresql >&2
	bindir=$(find_bindir)
	if [[ -z $bindir ]]; then
		log "no initdb/pg_ctl after installing postgresql"
		exit 1
	fi
fi

# Run PostgreSQL's tools as the postgres user when we are root (the server
# refuses to run as root), as ourselves otherwise.
if [[ $(id -u) -eq 0 ]]; then
	owner=postgres
	as_owner() { runuser -u postgres -- "$@"; }
else
	owner=$(id -un)
	as_owner() { "$@"; }
fi

mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
data=$dir/data
run=$dir/run
# The marker lets pg-baseline-down.sh remove only what this script made.
touch "$dir/.tracegraph-pg-baseline"
mkdir -p "$run"
if [[ $(id -u) -eq 0 ]]; then
	chown "$owner" "$dir" "$run"
	# The server must be able to reach DIR: open the path for traversal.
	p=$dir
	while [[ $p != / ]]; do
		chmod o+x "$p" 2>/dev/null || true
		p=$(dirname "$p")
	done
fi
if ((${#run} > 90)); then
	log "$run is too long for a unix socket path; choose a shorter DIR"
	exit 1
fi

if [[ ! -f $data/PG_VERSION ]]; then
	log "creating a cluster in $data with $bindir"
	as_owner "$bindir/initdb" -D "$data" -U postgres -E UTF8 --locale=C --auth-local=trust --auth-host=trust >&2
	cat >>"$data/postgresql.conf" <<EOF

# tracegraph recall/genealogy baseline (scripts/pg-baseline-up.sh)
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$run'
max_connections = 50
shared_buffers = 4GB
huge_pages = try
work_mem = 256MB
maintenance_work_mem = 2GB
effective_cache_size = 12GB
random_page_cost = 1.1
effective_io_concurrency = 200
# the queries are short: compiling them costs more than it saves
jit = off
max_worker_processes = 4
max_parallel_workers = 2
max_parallel_workers_per_gather = 2
max_parallel_maintenance_workers = 2
# read-only after the load: durability buys nothing here (see the header)
fsync = off
synchronous_commit = off
full_page_writes = off
wal_level = minimal
max_wal_senders = 0
max_wal_size = 16GB
checkpoint_timeout = 30min
autovacuum = on
logging_collector = off
EOF
fi

if as_owner "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1; then
	log "already running"
else
	log "starting on 127.0.0.1:$port and $run"
	as_owner "$bindir/pg_ctl" -D "$data" -l "$dir/postgres.log" -w -t 60 start >&2
fi

if ! as_owner "$bindir/psql" -h "$run" -p "$port" -U postgres -d postgres -Atc \
	"SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1; then
	as_owner "$bindir/createdb" -h "$run" -p "$port" -U postgres "$db"
fi

log "TCP DSN: postgres://postgres@127.0.0.1:$port/$db?sslmode=disable"
echo "postgres://postgres@/$db?host=$run&port=$port&sslmode=disable"
