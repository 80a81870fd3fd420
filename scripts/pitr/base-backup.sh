#!/usr/bin/env bash
# A base backup for point-in-time recovery: pg_basebackup of the whole cluster (tar, gzip, with
# the WAL needed to make it consistent), into a new folder named by the time it started.
set -euo pipefail

usage() {
  cat <<'HELP'
Usage: base-backup.sh --out DIR [--host H] [--port P] [--user U]

Takes a base backup of a running PostgreSQL server with pg_basebackup into DIR/<UTC time>/
(base.tar.gz, pg_wal.tar.gz, backup_manifest) and prints that folder. Together with the WAL
archived by archive-wal.sh since it started, it restores the server to any moment after the
backup ended (restore.sh). Take one daily or weekly: recovery replays every WAL segment
since the base backup, so a newer base backup makes recovery shorter.

  --out DIR     where base backups are kept (each in its own folder)
  --host H      server host or socket folder (default: PGHOST, else the local socket)
  --port P      server port (default: PGPORT, else 5432)
  --user U      a role with the REPLICATION attribute (default: PGUSER, else postgres)

PG_BIN names the folder of the PostgreSQL programs (default: pg_config --bindir); use the
programs of the server's major version. Needs wal_level = replica (the default) and a free
WAL sender (max_wal_senders, default 10).
HELP
}

out='' host=${PGHOST:-} port=${PGPORT:-5432} user=${PGUSER:-postgres}
while [ "$#" -gt 0 ]; do
  case $1 in
    --help|-h) usage; exit 0 ;;
    --out) out=$2; shift 2 ;;
    --host) host=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    --user) user=$2; shift 2 ;;
    *) echo "base-backup: unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
done
if [ -z "$out" ]; then echo "base-backup: --out is required" >&2; exit 2; fi
bin=${PG_BIN:-$(pg_config --bindir)}

target="$out/$(date -u +%Y%m%dT%H%M%SZ)"
if [ -e "$target" ]; then echo "base-backup: $target exists" >&2; exit 1; fi
mkdir -p "$out"
# -X stream: the WAL written during the backup comes with it, so the backup is consistent even
# before the archive is consulted; -c fast: start at once rather than at the next checkpoint.
"$bin/pg_basebackup" ${host:+--host="$host"} --port="$port" --username="$user" --no-password \
  --pgdata="$target" --format=tar --gzip --wal-method=stream --checkpoint=fast \
  --label="perfrecon base backup $(date -u +%FT%TZ)"
echo "$target"
