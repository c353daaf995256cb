# shellcheck shell=bash
# PG_BIN: the folder with the PostgreSQL 15 binaries (initdb, pg_ctl, psql, pgbench).
find_pg_bin() {
  if [[ -n "${PG_BIN:-}" ]]; then echo "$PG_BIN"; return; fi
  local candidate
  candidate="$(ls -d /usr/lib/postgresql/*/bin 2> /dev/null | sort -V | tail -1 || true)"
  if [[ -n "$candidate" && -x "$candidate/initdb" ]]; then echo "$candidate"; return; fi
  if command -v initdb > /dev/null; then dirname "$(command -v initdb)"; return; fi
  echo "postgres: initdb not found; install PostgreSQL 15 server binaries or set PG_BIN" >&2
  exit 1
}
PG_BIN="$(find_pg_bin)"
