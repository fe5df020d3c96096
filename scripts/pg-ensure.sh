#!/usr/bin/env bash
# Make sure a PostgreSQL server answers, and print the URL of its
# maintenance database ("postgres") on stdout. Progress goes to stderr.
#
# In order:
#   1. a server already answering on 127.0.0.1:5432 (trust auth, user postgres);
#   2. the machine's own Debian cluster, started with pg_ctlcluster;
#   3. a private cluster under ./.data/postgres on port 54329, made with the
#      system's initdb — installing Debian's postgresql first if it is absent
#      and we are root.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
say() { echo "pg-ensure: $*" >&2; }

answers() { # host port
  if command -v pg_isready >/dev/null 2>&1; then
    pg_isready -q -h "$1" -p "$2" -t 2
  else
    (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null
  fi
}

wait_for() { # host port
  for _ in $(seq 1 30); do
    answers "$1" "$2" && return 0
    sleep 1
  done
  return 1
}

url() { echo "postgres://postgres@127.0.0.1:$1/postgres?sslmode=disable"; }

if answers 127.0.0.1 5432; then
  url 5432
  exit 0
fi

if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ] && [ -n "$(ls /etc/postgresql 2>/dev/null)" ]; then
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  say "starting the system cluster $version/main"
  pg_ctlcluster --skip-systemctl-redirect "$version" main start >&2 2>&1 || true
  if wait_for 127.0.0.1 5432; then
    url 5432
    exit 0
  fi
  say "the system cluster did not come up; trying a private one"
fi

private=54329
if answers 127.0.0.1 "$private"; then
  url "$private"
  exit 0
fi

find_bin() {
  command -v "$1" 2>/dev/null && return 0
  ls /usr/lib/postgresql/*/bin/"$1" 2>/dev/null | sort -V | tail -n 1
}

initdb=$(find_bin initdb || true)
if [ -z "$initdb" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "installing Debian's postgresql"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq postgresql >&2
    # The package makes and may start its own cluster: use it if it answers.
    if command -v pg_ctlcluster >/dev/null 2>&1 && [ -n "$(ls /etc/postgresql 2>/dev/null)" ]; then
      pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n 1)" main start >&2 2>&1 || true
      if wait_for 127.0.0.1 5432; then
        url 5432
        exit 0
      fi
    fi
    initdb=$(find_bin initdb || true)
  fi
fi
if [ -z "$initdb" ]; then
  say "no PostgreSQL here: install it (Debian: apt-get install postgresql) or set KENSHO_DATABASE_URL"
  exit 1
fi
pg_ctl=$(dirname "$initdb")/pg_ctl
data="$top/.data/postgres"

as_owner() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

if [ ! -f "$data/PG_VERSION" ]; then
  say "creating a private cluster in $data"
  mkdir -p "$data"
  [ "$(id -u)" = 0 ] && chown -R postgres:postgres "$top/.data"
  as_owner "$initdb" -D "$data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >&2 2>&1 \
    || as_owner "$initdb" -D "$data" -U postgres --auth=trust --encoding=UTF8 --locale=C >&2
fi
say "starting the private cluster on 127.0.0.1:$private"
as_owner "$pg_ctl" -D "$data" -l "$data/server.log" -w \
  -o "-p $private -k $data -c listen_addresses=127.0.0.1" start >&2
wait_for 127.0.0.1 "$private"
url "$private"
