# shellcheck shell=bash
# stop_pid <pid> <still-ours-function> <grace-seconds>: SIGTERM, wait up to the grace period
# while <still-ours-function> <pid> succeeds, then SIGKILL. Expects log and die from the caller.
stop_pid() {
  local pid=$1 still_ours=$2 grace=$3 i
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < grace * 4; i++)); do
    "$still_ours" "$pid" || return 0
    sleep 0.25
  done
  log "pid $pid did not stop within ${grace}s, sending SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
  for ((i = 0; i < 20; i++)); do
    "$still_ours" "$pid" || return 0
    sleep 0.25
  done
  die "could not kill pid $pid"
}
