#!/usr/bin/env bash
# Point-in-time recovery: a base backup (base-backup.sh) unpacked into a new data folder, told to
# replay the archived WAL (archive-wal.sh) up to a named time, started, and left running as a
# new primary once it got there. PostgreSQL does the recovery; this script only sets it up.
set -euo pipefail

usage() {
  cat <<'HELP'
Usage: restore.sh --base DIR --archive DIR --target-time TIME --pgdata DIR
                  [--port P] [--user U] [--set NAME=VALUE]... [--keep-archiving]
                  [--no-start] [--timeout SECONDS]

Restores a PostgreSQL cluster as it was at TIME into a new data folder and starts it there.
Run it as the OS user that runs PostgreSQL (e.g. runuser -u postgres -- restore.sh ...).

  --base DIR          a folder written by base-backup.sh; it must have ended before TIME
  --archive DIR       the WAL archive that archive-wal.sh fills
  --target-time TIME  e.g. '2024-06-30 14:05:00+00' (give the zone); recovery replays every
                      transaction committed at or before TIME, none after
  --pgdata DIR        the new data folder (must not exist, or be empty); never the live one
  --port P            port of the restored server (default: the backed-up server's own)
  --user U            role to check recovery with (default: PGUSER, else postgres)
  --set NAME=VALUE    any other setting for the restored server (repeatable), e.g.
                      --set unix_socket_directories=/tmp
  --keep-archiving    keep the backed-up server's archive_mode (off by default, so a copy
                      restored to look at data never writes into the live server's archive)
  --no-start          only prepare the data folder; start it later with pg_ctl
  --timeout SECONDS   longest wait for recovery (default 3600)

Afterwards point DATABASE_URL at the restored server (perfrecon db status checks it), and if it
is to be the new primary: turn archiving on again, take a new base backup right away (the
restored server continues on a new timeline), and stop the old server for good.
PG_BIN names the folder of the PostgreSQL programs (default: pg_config --bindir).
HELP
}

base='' archive='' target='' pgdata='' port='' user=${PGUSER:-postgres}
start=1 keep_archiving=0 timeout=3600 settings=()
while [ "$#" -gt 0 ]; do
  case $1 in
    --help|-h) usage; exit 0 ;;
    --base) base=$2; shift 2 ;;
    --archive) archive=$2; shift 2 ;;
    --target-time) target=$2; shift 2 ;;
    --pgdata) pgdata=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    --user) user=$2; shift 2 ;;
    --set) settings+=("$2"); shift 2 ;;
    --keep-archiving) keep_archiving=1; shift ;;
    --no-start) start=0; shift ;;
    --timeout) timeout=$2; shift 2 ;;
    *) echo "restore: unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
done
fail() { echo "restore: $*" >&2; exit 1; }
[ -n "$base" ] && [ -n "$archive" ] && [ -n "$target" ] && [ -n "$pgdata" ] ||
  { usage >&2; exit 2; }
[ -f "$base/base.tar.gz" ] || fail "$base has no base.tar.gz (is it a folder written by base-backup.sh?)"
[ -d "$archive" ] || fail "the WAL archive $archive does not exist"
case "$archive$target" in *"'"*) fail "quotes in --archive or --target-time are not supported" ;; esac
if [ -e "$pgdata" ] && [ -n "$(ls -A "$pgdata")" ]; then
  fail "$pgdata is not empty: restore into a new folder, never over a data folder"
fi
for archive_file in "$base"/*.tar.gz; do
  case ${archive_file##*/} in
    base.tar.gz | pg_wal.tar.gz) ;;
    *) fail "$base holds tablespaces; restore them by hand (PostgreSQL manual: 'Recovering Using a Continuous Archive Backup')" ;;
  esac
done
bin=${PG_BIN:-$(pg_config --bindir)}

mkdir -p "$pgdata"
chmod 700 "$pgdata"
tar -xzf "$base/base.tar.gz" -C "$pgdata"
if [ -f "$base/pg_wal.tar.gz" ]; then tar -xzf "$base/pg_wal.tar.gz" -C "$pgdata/pg_wal"; fi
rm -f "$pgdata/standby.signal" "$pgdata/postmaster.pid"

# postgresql.auto.conf is read last, so these override what the backed-up server had.
{
  echo "# point-in-time recovery by perfrecon scripts/pitr/restore.sh, $(date -u +%FT%TZ)"
  echo "restore_command = 'cp \"$archive/%f\" \"%p\"'"
  echo "recovery_target_time = '$target'"
  echo "recovery_target_action = 'promote'"
  if [ "$keep_archiving" -eq 0 ]; then echo "archive_mode = off"; fi
  if [ -n "$port" ]; then echo "port = $port"; fi
  for setting in ${settings[@]+"${settings[@]}"}; do
    name=${setting%%=*} value=${setting#*=}
    echo "$name = '${value//\'/\'\'}'"
  done
} >>"$pgdata/postgresql.auto.conf"
touch "$pgdata/recovery.signal"

if [ "$start" -eq 0 ]; then
  echo "prepared $pgdata; start it with: $bin/pg_ctl -D $pgdata start"
  exit 0
fi

log="$pgdata/pitr-restore.log"
"$bin/pg_ctl" --pgdata="$pgdata" --log="$log" --wait --timeout="$timeout" start >/dev/null ||
  { tail -n 20 "$log" >&2; fail "the restored server did not start (log: $log)"; }

# Connect the way the server says it listens (postmaster.pid: port on line 4, socket folder on 5).
pid_port=$(sed -n 4p "$pgdata/postmaster.pid")
socket=$(sed -n 5p "$pgdata/postmaster.pid")
[ -n "$socket" ] || socket=127.0.0.1
deadline=$(($(date +%s) + timeout))
while :; do
  state=$("$bin/psql" --host="$socket" --port="$pid_port" --username="$user" --dbname=postgres \
    --no-password --no-psqlrc -Atc 'SELECT pg_is_in_recovery()' 2>/dev/null || true)
  [ "$state" = "f" ] && break
  if ! "$bin/pg_ctl" --pgdata="$pgdata" status >/dev/null 2>&1; then
    tail -n 20 "$log" >&2
    fail "recovery stopped the server (log: $log); is TIME after the base backup ended, and is every WAL segment up to TIME in the archive?"
  fi
  [ "$(date +%s)" -lt "$deadline" ] || fail "recovery still running after ${timeout}s (log: $log)"
  sleep 1
done

grep -E 'recovery stopping|last completed transaction' "$log" || true
echo "restored to $target: $pgdata is running on port $pid_port"
