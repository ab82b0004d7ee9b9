#!/usr/bin/env bash
# Start PostgreSQL and Redis on 127.0.0.1 when they are not already answering.
set -euo pipefail

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

if ! port_open 5432; then
  if command -v pg_ctlcluster >/dev/null; then
    echo "Starting PostgreSQL..."
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start
  else
    echo "PostgreSQL is not running on 127.0.0.1:5432 and cannot be started here." >&2
    exit 1
  fi
fi

if ! port_open 6379; then
  if command -v redis-server >/dev/null; then
    echo "Starting Redis..."
    mkdir -p /var/lib/redis /var/log/redis
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" \
      --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log
  else
    echo "Redis is not running on 127.0.0.1:6379 and redis-server is not installed." >&2
    exit 1
  fi
fi

for _ in $(seq 1 50); do
  port_open 5432 && port_open 6379 && exit 0
  sleep 0.2
done
echo "PostgreSQL or Redis did not come up." >&2
exit 1
