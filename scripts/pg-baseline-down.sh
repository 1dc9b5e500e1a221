#!/usr/bin/env bash
# pg-baseline-down.sh stops the throwaway cluster that pg-baseline-up.sh
# started in DIR and deletes DIR. It deletes only a directory that
# pg-baseline-up.sh made (it carries the marker file .tracegraph-pg-baseline);
# --keep stops the cluster and leaves its files.
#
# Usage: pg-baseline-down.sh DIR [--keep]
set -euo pipefail

dir=${1:?usage: pg-baseline-down.sh DIR [--keep]}
keep=${2:-}

log() { echo "pg-baseline-down: $*" >&2; }

if [[ ! -f $dir/.tracegraph-pg-baseline ]]; then
	log "$dir was not made by pg-baseline-up.sh (no .tracegraph-pg-baseline); leaving it alone"
	exit 1
fi
dir=$(cd "$dir" && pwd)

if [[ -f $dir/data/PG_VERSION ]]; then
	bindir=/usr/lib/postgresql/$(cat "$dir/data/PG_VERSION")/bin
	[[ -x $bindir/pg_ctl ]] || bindir=$(dirname "$(command -v pg_ctl)")
	if [[ $(id -u) -eq 0 ]]; then
		as_owner() { runuser -u postgres -- "$@"; }
	else
		as_owner() { "$@"; }
	fi
	if as_owner "$bindir/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
		log "stopping the cluster in $dir/data"
		as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >&2
	fi
fi

if [[ $keep == --keep ]]; then
	log "kept $dir"
	exit 0
fi
rm -rf -- "$dir"
log "removed $dir"
