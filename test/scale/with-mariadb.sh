#!/usr/bin/env bash
# Runs a command with AZURITE_METADATA_DB set to a database in a private MariaDB, which the test
# run's and the bench's Azurite then use for their blob metadata (Azurite's AZURITE_DB) instead of
# their in-memory store. That store scans every blob of the account on each write, so a put costs
# time linear in what it holds (230 puts/s at 5,000 blobs, 39/s at 30,000: more than an hour to
# seed 100,000 blobs); with MariaDB it stays near 280 puts/s. For the runs at 100,000 blobs:
#   npm run test:reconcile-100k        (issue 17's reconcile across invocations)
#   bash test/scale/with-mariadb.sh npm run bench -- --only '100,000 sessions'  (listing, sessions page)
# Azurite's SQL store has no append blobs (appendBlock answers 501 APINotImplemented), so log ingest
# does not work on it: the bench's "blobs in the container" scenarios refuse to run here.
# Needs mariadbd (Debian: apt-get install mariadb-server). The server runs on a free port from a
# temporary folder, both removed when the command ends.
set -euo pipefail

if (($# == 0)); then
  echo "usage: $0 <command> [args…]" >&2
  exit 2
fi
for tool in mariadbd mariadb-install-db mariadb; do
  command -v "$tool" >/dev/null || {
    echo "with-mariadb: $tool not found; install MariaDB (Debian: apt-get install mariadb-server)" >&2
    exit 2
  }
done

dir=$(mktemp -d "${TMPDIR:-/tmp}/with-mariadb.XXXXXX")
port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
user=$(id -un)
pid=
cleanup() {
  if [[ -n "$pid" ]]; then
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  rm -rf "$dir"
}
trap cleanup EXIT

mariadb-install-db --user="$user" --datadir="$dir/data" --auth-root-authentication-method=socket >"$dir/install.log" 2>&1 || {
  cat "$dir/install.log" >&2
  exit 1
}
# Durability is not the point here: no binary log, the redo log flushed once a second.
mariadbd --no-defaults --user="$user" --datadir="$dir/data" --socket="$dir/sock" --port="$port" \
  --bind-address=127.0.0.1 --skip-log-bin --innodb-flush-log-at-trx-commit=0 --pid-file="$dir/pid" \
  >"$dir/server.log" 2>&1 &
pid=$!

deadline=$((SECONDS + 60))
until mariadb --no-defaults -S "$dir/sock" -u"$user" -e 'SELECT 1' >/dev/null 2>&1; do
  if ((SECONDS > deadline)) || ! kill -0 "$pid" 2>/dev/null; then
    echo "with-mariadb: MariaDB did not start:" >&2
    tail -20 "$dir/server.log" >&2
    exit 1
  fi
  sleep 0.2
done

mariadb --no-defaults -S "$dir/sock" -u"$user" -e "
  CREATE DATABASE azurite_blob;
  CREATE USER 'azurite'@'127.0.0.1' IDENTIFIED BY 'azurite';
  GRANT ALL ON azurite_blob.* TO 'azurite'@'127.0.0.1';"

echo "with-mariadb: MariaDB on 127.0.0.1:$port (data in $dir); running: $*" >&2
AZURITE_METADATA_DB="mysql://azurite:azurite@127.0.0.1:$port/azurite_blob" "$@"
