#!/usr/bin/env bash
# PostgreSQL's archive_command for point-in-time recovery: copies one finished WAL segment into
# the archive folder, durably, never over a different file (PostgreSQL retries a failed archive
# and must never lose a segment; it may also ask twice for the same one after a crash).
set -euo pipefail

usage() {
  cat <<'HELP'
Usage: archive-wal.sh ARCHIVE_DIR WAL_PATH WAL_NAME

The archive_command of a PostgreSQL server whose WAL is archived for point-in-time recovery.
In postgresql.conf (a restart is needed for archive_mode):

  wal_level = replica
  archive_mode = on
  archive_command = '/opt/perfrecon/scripts/pitr/archive-wal.sh /backup/wal %p %f'
  archive_timeout = 300     # at most 5 minutes of changes are only in an unarchived segment

Exits 0 when the segment is in the archive (also when an identical copy was already there),
non-zero otherwise (PostgreSQL keeps the segment and tries again). ARCHIVE_DIR must be writable by
the server's OS user and should be on another disk or machine (an NFS mount, a synced bucket).
HELP
}

if [ "${1:-}" = "--help" ] || [ "${1:-}" = "-h" ]; then usage; exit 0; fi
if [ "$#" -ne 3 ]; then usage >&2; exit 2; fi
archive=$1 source=$2 name=$3
target="$archive/$name"

if [ -f "$target" ]; then
  # A second request after a crash: fine if it is the same segment, an error otherwise.
  if cmp -s "$source" "$target"; then exit 0; fi
  echo "archive-wal: $target exists with different content; refusing to overwrite" >&2
  exit 1
fi
partial="$archive/.$name.$$.partial"
trap 'rm -f "$partial"' EXIT
cp "$source" "$partial"
sync "$partial"          # on disk before it gets its final name
mv "$partial" "$target"
sync "$archive"          # and the rename too
