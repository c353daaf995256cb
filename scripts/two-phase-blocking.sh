#!/usr/bin/env bash
# npm run 2pc:blocking: what two-phase commit does while its coordinator is down.
# Needs the system from `npm start` (in another terminal). It:
#   1. restarts the coordinator with fault injection, and arms it to die (SIGKILL)
#      right after all three participants voted YES, before it logs a decision;
#   2. places a 2PC order A: the coordinator dies; A's prepared transactions stay,
#      holding their row locks (pg_prepared_xacts, pg_locks);
#   3. shows who is blocked: anything that needs A's stock row, and a second 2PC
#      order B for the same SKU; while a saga order for another SKU completes;
#   4. restarts the coordinator: recovery aborts A (no decision was logged:
#      presumed abort), which releases the locks, and B commits.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/node.sh"
source "$REPO_ROOT/scripts/lib/env.sh"
source "$REPO_ROOT/scripts/lib/pg-bin.sh"
cd "$REPO_ROOT"

ORDER="http://127.0.0.1:$(service_port order)"
INVENTORY="http://127.0.0.1:$(service_port inventory)"
PAYMENT="http://127.0.0.1:$(service_port payment)"
COORDINATOR="http://127.0.0.1:$(service_port coordinator)"
RUN="$(date +%s)"
SKU="BLOCK-$RUN"
OTHER_SKU="FREE-$RUN"
CUSTOMER="blocking-$RUN"
WORK="$(mktemp -d)"
background=()
trap 'for pid in "${background[@]}"; do kill "$pid" 2> /dev/null || true; done; rm -rf "$WORK"' EXIT

say() { printf '\n\033[1m%s\033[0m\n' "$*"; }
show() { printf '$ %s\n' "$*"; "$@"; }
psql_on() { "$PG_BIN/psql" -X -h 127.0.0.1 -p "$POSTGRES_PORT" -U postgres -d "$1" "${@:2}"; }
sql() { printf '$ psql -d %s -c "%s"\n' "$1" "$2"; psql_on "$1" -c "$2"; }
json() { curl -fsS -X "$1" "$2" -H 'content-type: application/json' ${3:+-d "$3"}; }
place_2pc() { # file, sku
  curl -sS -o "$WORK/$1.json" -w '%{http_code}' --max-time 120 -X POST "$ORDER/orders" \
    -H 'content-type: application/json' -H "Idempotency-Key: $1-$RUN" \
    -d "{\"customerId\":\"$CUSTOMER\",\"mode\":\"2pc\",\"items\":[{\"sku\":\"$2\",\"quantity\":1,\"unitPrice\":500}]}" > "$WORK/$1.status"
}
coordinator_running() { [[ "$(bash scripts/service.sh status coordinator)" != *stopped* ]]; }
wait_ready() { until curl -fs -o /dev/null --max-time 2 "$1/health/ready"; do sleep 0.3; done; }

for service in order inventory payment coordinator; do
  curl -fs -o /dev/null --max-time 2 "http://127.0.0.1:$(service_port "$service")/health/live" \
    || { echo "2pc:blocking: $service is not running; start the system with npm start first" >&2; exit 1; }
done

say "1. The coordinator, restarted with fault injection, will die right after every participant votes YES"
bash scripts/service.sh stop coordinator > /dev/null
ENABLE_FAULT_INJECTION=true bash scripts/service.sh start coordinator > /dev/null
wait_ready "$COORDINATOR"
json PUT "$INVENTORY/inventory/$SKU" '{"available":10}' > /dev/null
json PUT "$INVENTORY/inventory/$OTHER_SKU" '{"available":10}' > /dev/null
json PUT "$PAYMENT/accounts/$CUSTOMER" '{"balance":100000}' > /dev/null
echo "\$ curl -X PUT $COORDINATOR/admin/crash-point -d '{\"point\":\"after-prepare\"}'"
json PUT "$COORDINATOR/admin/crash-point" '{"point":"after-prepare"}'
echo

say "2. Order A (2PC, $SKU): prepared everywhere, then the coordinator is killed before deciding"
place_2pc A "$SKU" &
background+=($!)
for _ in $(seq 1 100); do coordinator_running || break; sleep 0.1; done
bash scripts/service.sh status coordinator
sql postgres "SELECT gid, database, prepared FROM pg_prepared_xacts
 WHERE database IN ('orders', 'inventory', 'payments') ORDER BY gid;"
a_id="$(psql_on orders -tAc "SELECT substr(gid, length('dtx_order_') + 1) FROM pg_prepared_xacts
 WHERE database = 'orders' AND gid LIKE 'dtx_order_%' ORDER BY prepared DESC LIMIT 1")"
say "   The locks A's prepared transaction holds in the inventory database (its row locks are behind its transaction id):"
sql inventory "SELECT p.gid, l.locktype, l.relation::regclass AS relation, l.mode, l.granted
  FROM pg_prepared_xacts p
  JOIN pg_locks x ON x.locktype = 'transactionid' AND x.transactionid = p.transaction
  JOIN pg_locks l ON l.virtualtransaction = x.virtualtransaction
 WHERE p.gid = 'dtx_inventory_$a_id' ORDER BY l.locktype, relation;"

say "3. Who is blocked. Anything that needs $SKU's stock row waits; here an UPDATE with a 3 s lock timeout:"
psql_on inventory -c "SET lock_timeout = '3s'; UPDATE stock_items SET available = available WHERE sku = '$SKU';" > "$WORK/update.log" 2>&1 &
update_pid=$!
background+=("$update_pid")
sleep 1
sql inventory "SELECT w.pid AS waiting_pid, w.mode AS wants, p.gid AS held_by, a.query
  FROM pg_locks w
  JOIN pg_prepared_xacts p ON w.locktype = 'transactionid' AND w.transactionid = p.transaction
  JOIN pg_stat_activity a ON a.pid = w.pid
 WHERE NOT w.granted;"
wait "$update_pid" || true
sed 's/^/   /' "$WORK/update.log"

say "   A second 2PC order B for $SKU waits: the coordinator cannot be reached to run it (and could not lock the row)"
place_2pc B "$SKU" &
b_pid=$!
background+=("$b_pid")
say "   Meanwhile a choreography saga order by another customer for another SKU goes through"
echo "   (not A's customer: A's prepared payment transaction holds that account's row too):"
json PUT "$PAYMENT/accounts/other-$CUSTOMER" '{"balance":100000}' > /dev/null
saga="$(curl -fsS -X POST "$ORDER/orders" -H 'content-type: application/json' -H "Idempotency-Key: saga-$RUN" \
  -d "{\"customerId\":\"other-$CUSTOMER\",\"mode\":\"choreography\",\"items\":[{\"sku\":\"$OTHER_SKU\",\"quantity\":1,\"unitPrice\":500}]}")"
saga_id="$(node -e 'console.log(JSON.parse(process.argv[1]).orderId)' "$saga")"
status=PENDING
for _ in $(seq 1 50); do
  status="$(curl -fsS "$ORDER/orders/$saga_id" | node -e 'let s="";process.stdin.on("data",(d)=>(s+=d)).on("end",()=>console.log(JSON.parse(s).status))')"
  [[ "$status" != PENDING ]] && break
  sleep 0.1
done
echo "   saga order $saga_id: $status"
if kill -0 "$b_pid" 2> /dev/null; then echo "   order B: still waiting for its answer"; fi

say "4. The coordinator comes back: recovery finds A undecided and aborts it (presumed abort); B goes through"
bash scripts/service.sh start coordinator > /dev/null
wait
echo "   order A: HTTP $(cat "$WORK/A.status") $(cat "$WORK/A.json")"
echo "   order B: HTTP $(cat "$WORK/B.status") $(cat "$WORK/B.json")"
sleep 1
show curl -fsS "$COORDINATOR/transactions/$a_id"
echo
show curl -fsS "$ORDER/orders/$a_id"
echo
sql postgres "SELECT count(*) AS still_prepared FROM pg_prepared_xacts WHERE database IN ('orders', 'inventory', 'payments');"
