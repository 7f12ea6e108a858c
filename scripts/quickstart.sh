#!/usr/bin/env bash
# Ferry's quickstart: installs what is missing (Java 17, Maven, MariaDB; Debian packages),
# builds Ferry, and starts a sandbox of two private MariaDB servers on free loopback ports,
# ready for replication. Run it again at any time: it recreates the sandbox.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
. scripts/lib/common.sh

ensure_packages build mariadb

say "building Ferry (first time: Maven downloads the dependencies)"
./ferry --version

if ./ferry sandbox show quickstart >/dev/null 2>&1; then
  say "removing the previous quickstart sandbox"
  ./ferry sandbox destroy quickstart
fi

say "creating sandbox 'quickstart': two MariaDB servers, binlog on, ready for replication"
./ferry sandbox create --name quickstart --servers 2

say "writing a row on server 1 and reading it back"
./ferry sandbox sql quickstart --server 1 --account app \
  -e "CREATE DATABASE IF NOT EXISTS shop;
      CREATE TABLE shop.orders (id INT PRIMARY KEY, item VARCHAR(40), placed DATETIME(6));
      INSERT INTO shop.orders VALUES (1, 'ferry ticket', NOW(6));
      SELECT * FROM shop.orders;"

say "server 1's binlog now holds that transaction (what Ferry will read)"
./ferry sandbox sql quickstart --server 1 --account replicator -e "SHOW BINARY LOGS"

cat <<'MSG'

Done. Next:
  ./ferry sandbox env quickstart            connection settings and passwords
  ./ferry sandbox sql quickstart --server 2 a SQL prompt on the second server
  ./ferry sandbox destroy quickstart        remove it all
MSG
