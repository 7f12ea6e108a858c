#!/usr/bin/env bash
# Ferry's quickstart: a working replication in one command. Installs what is missing (Java 17,
# Maven, MariaDB; Debian packages), builds Ferry, creates a sandbox of two private MariaDB servers,
# sets up a master service (server 1's binlog into a THL) and a slave service (that THL into
# server 2), starts the replicator, writes sample data on server 1 and shows it arriving on
# server 2 with the services' status. Its second part replicates the same sample into a sandboxed
# PostgreSQL server (a direct service, target.type = postgresql). Run it again at any time: it
# starts over.
#
# Everything lives in $FERRY_QUICKSTART_DIR (default /tmp/ferry-quickstart): the replicator's
# configuration directory (conf/) and the services' data (data/). The sandboxes are 'quickstart'
# and 'quickstart_pg', in $FERRY_SANDBOX_HOME when that is set.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
. scripts/lib/common.sh

QS=${FERRY_QUICKSTART_DIR:-/tmp/ferry-quickstart}
CONF=$QS/conf
export FERRY_CONFIG_DIR=$CONF

ensure_packages build mariadb postgresql

say "building Ferry (first time: Maven downloads the dependencies)"
./ferry --version

if [ -f "$CONF/replicator.pid" ] && ./ferry replicator status >/dev/null 2>&1; then
  say "stopping the previous quickstart replicator"
  ./ferry replicator stop
fi
for sb in quickstart quickstart_pg; do
  if ./ferry sandbox show $sb >/dev/null 2>&1; then
    say "removing the previous sandbox $sb"
    ./ferry sandbox destroy $sb
  fi
done
rm -rf "$QS"
mkdir -p "$CONF"
# The admin API on a free port, so that a quickstart never meets another replicator.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null \
  || shuf -i 20000-60000 -n 1)
echo "admin.port = $port" > "$CONF/replicator.conf"

say "creating sandbox 'quickstart': two MariaDB servers on free loopback ports"
./ferry sandbox create --name quickstart --servers 2

say "creating sandbox 'quickstart_pg': one PostgreSQL server"
./ferry sandbox create --name quickstart_pg --flavor postgresql --servers 1

say "setting up a master service on server 1 and a slave service on server 2"
./ferry setup master-slave --master quickstart:1 --slave quickstart:2 --service quickstart \
  --data-dir "$QS/data"
say "setting up a direct service from server 1 into PostgreSQL, and starting them all"
./ferry setup direct --master quickstart:1 --target quickstart_pg:1 --service quickstart_pg \
  --data-dir "$QS/data" --start

say "writing sample data on server 1"
./ferry sandbox sql quickstart --server 1 --account app \
  -e "CREATE DATABASE IF NOT EXISTS shop;
      CREATE TABLE shop.orders (id INT PRIMARY KEY, item VARCHAR(40), qty INT, placed DATETIME(6));
      INSERT INTO shop.orders VALUES (1, 'ferry ticket', 2, NOW(6)), (2, 'bicycle', 1, NOW(6));
      UPDATE shop.orders SET qty = qty + 1 WHERE id = 1;
      INSERT INTO shop.orders VALUES (3, 'car', 1, NOW(6));"

say "waiting for the slave to apply it (5 transactions: seqnos 0 to 4)"
./ferry wait -service quickstart_slave -applied 4 -limit 60

say "the services"
./ferry services
say "the slave at a glance"
./ferry status -service quickstart_slave

say "the replicated rows, read on server 2"
./ferry sandbox sql quickstart --server 2 --account app -e "SELECT * FROM shop.orders ORDER BY id"

sum1=$(./ferry sandbox sql quickstart --server 1 --account app -e "CHECKSUM TABLE shop.orders EXTENDED")
sum2=$(./ferry sandbox sql quickstart --server 2 --account app -e "CHECKSUM TABLE shop.orders EXTENDED")
if [ "$sum1" != "$sum2" ]; then
  echo "quickstart: shop.orders differs between server 1 and server 2: $sum1 / $sum2" >&2
  exit 1
fi
say "CHECKSUM TABLE shop.orders is equal on both servers"

say "part 2: the same rows in PostgreSQL (the direct service translated the CREATE statements)"
./ferry wait -service quickstart_pg -applied 4 -limit 60
./ferry status -service quickstart_pg
q="SELECT id, item, qty, to_char(placed, 'YYYY-MM-DD HH24:MI:SS.US') AS placed FROM shop.orders ORDER BY id"
./ferry sandbox sql quickstart_pg -e "$q"
maria=$(./ferry sandbox sql quickstart --server 1 --account app --batch \
  -e "SELECT id, item, qty, DATE_FORMAT(placed, '%Y-%m-%d %H:%i:%s.%f') FROM shop.orders ORDER BY id")
pg=$(./ferry sandbox sql quickstart_pg --batch -e "$q")
if [ "$maria" != "$pg" ]; then
  printf 'quickstart: shop.orders differs between MariaDB and PostgreSQL:\n%s\n---\n%s\n' "$maria" "$pg" >&2
  exit 1
fi
say "shop.orders is equal in MariaDB and PostgreSQL, row by row"

cat <<MSG

Done: server 1 → master service 'quickstart' → THL → slave service 'quickstart_slave' → server 2,
and server 1 → direct service 'quickstart_pg' → PostgreSQL (sandbox quickstart_pg).
Try (with FERRY_CONFIG_DIR=$CONF):
  ./ferry status -service quickstart_slave -name stages    the stages in detail
  ./ferry offline -service quickstart_slave                 let changes pile up (batch replication)
  ./ferry online -service quickstart_slave -until-seqno N   apply up to seqno N, then stop
  ./ferry wait -service quickstart_slave -state OFFLINE     wait for it
  ./ferry thl list --dir $QS/data/quickstart/thl --sql   the log, as SQL
  ./ferry ddl translate --from quickstart:1 --schema shop --to postgresql   the DDL, translated
  ./ferry replicator stop; ./ferry sandbox destroy quickstart; ./ferry sandbox destroy quickstart_pg
MSG
