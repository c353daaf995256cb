#!/usr/bin/env bash
# Known vulnerabilities in the production dependencies (package-lock.json, dev dependencies
# left out): fails on any advisory of high or critical severity. README, "Dependency audit".
#
#   1. npm audit --omit=dev, where the registry's advisory endpoint answers;
#   2. otherwise osv-scanner (pinned in infra/dependency-audit/go.mod, built once from the Go
#      module proxy into .local/dependency-audit/bin) against a copy of the OSV database's npm
#      advisories: DEPENDENCY_AUDIT_OSV_DB=<path to npm/all.zip>, else the one osv-scanner
#      downloads into .local/dependency-audit/osv, if OSV answers;
#   3. with neither, it says so: nothing could be checked.
# DEPENDENCY_AUDIT_SOURCE=npm or osv uses that one alone.
#
# Exit status: 0 no high or critical advisory; 1 some; 2 the audit itself failed;
# 3 no advisory data could be reached.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/node.sh"
cd "$REPO_ROOT"

STATE="${DEPENDENCY_AUDIT_STATE:-$REPO_ROOT/.local/dependency-audit}"
TOOLS_SRC="$REPO_ROOT/infra/dependency-audit"
KEPT_OSV_DIR="$STATE/osv"
LOCKFILE="${DEPENDENCY_AUDIT_LOCKFILE:-$REPO_ROOT/package-lock.json}"
mkdir -p "$STATE"

say() { echo "dependency-audit: $*"; }

# npm's own audit: 0 clean, 1 findings, 3 when the advisory endpoint did not answer.
npm_audit() {
  local report="$STATE/npm-audit.json"
  npm audit --omit=dev --json --prefix "$(dirname "$LOCKFILE")" > "$report" 2> "$STATE/npm-audit.log"
  node --input-type=module - "$report" <<'JS'
import { readFileSync } from 'node:fs';
const report = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const counts = report.metadata?.vulnerabilities;
if (!counts) {
  console.log(`dependency-audit: npm audit: no answer from the advisory endpoint (${report.message ?? report.error?.summary ?? 'no report'})`);
  process.exit(3);
}
const serious = Object.values(report.vulnerabilities ?? {}).filter((entry) => ['high', 'critical'].includes(entry.severity));
for (const entry of serious) console.log(`dependency-audit: ${entry.severity}: ${entry.name} ${entry.range}`);
console.log(`dependency-audit: npm audit of the production dependencies: ${JSON.stringify(counts)}`);
process.exit(serious.length > 0 ? 1 : 0);
JS
}

build_osv_scanner() {
  local stamp="$STATE/bin/.stamp" want
  want="$(cat "$TOOLS_SRC/go.mod" "$TOOLS_SRC/go.sum" | sha256sum | cut -c1-16)"
  if [[ -x "$STATE/bin/osv-scanner" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then return; fi
  command -v go > /dev/null || { say "go not found (needed once to build osv-scanner)"; return 1; }
  say "building osv-scanner from the Go module proxy (once, a few minutes; cached in $STATE)"
  (cd "$TOOLS_SRC" && GOMODCACHE="$STATE/gomodcache" GOCACHE="$STATE/gocache" GOFLAGS=-modcacherw GOTOOLCHAIN=local \
    go build -trimpath -o "$STATE/bin/" github.com/google/osv-scanner/v2/cmd/osv-scanner) > "$STATE/build.log" 2>&1 \
    || { cat "$STATE/build.log" >&2; return 1; }
  echo "$want" > "$stamp"
}

# Where osv-scanner finds the OSV npm database (<dir>/osv-scalibr/npm/all.zip): a folder of its
# own for one given with DEPENDENCY_AUDIT_OSV_DB, else the kept one (where a download goes).
osv_database_dir() {
  if [[ -n "${DEPENDENCY_AUDIT_OSV_DB:-}" ]]; then
    local given
    given="$(mktemp -d)"
    mkdir -p "$given/osv-scalibr/npm"
    cp "$DEPENDENCY_AUDIT_OSV_DB" "$given/osv-scalibr/npm/all.zip" || return 1
    echo "$given"
  else
    echo "$KEPT_OSV_DIR"
  fi
}

# 0 clean, 1 findings, 2 failure, 3 no database.
osv_audit() {
  local results="$STATE/osv-results.json" database status
  build_osv_scanner || return 2
  database="$(osv_database_dir)" || return 2
  local mode=(--offline)
  if [[ ! -s "$database/osv-scalibr/npm/all.zip" ]]; then
    say "no OSV database given or kept; asking OSV for one"
    mode=(--offline-vulnerabilities --download-offline-databases)
  fi
  timeout 300 "$STATE/bin/osv-scanner" scan source "${mode[@]}" --local-db-path "$database" \
    --lockfile "$LOCKFILE" --format json --output-file "$results" > "$STATE/osv-scanner.log" 2>&1
  status=$?
  if [[ "$database" != "$KEPT_OSV_DIR" ]]; then rm -rf "$database"; fi
  if grep -q 'unable to fetch OSV database' "$STATE/osv-scanner.log"; then
    say "osv-scanner: no OSV database of npm advisories could be had ($(grep -m1 -o 'unable to fetch OSV database: .*' "$STATE/osv-scanner.log"))"
    return 3
  fi
  if [[ "$status" -ne 0 && "$status" -ne 1 ]]; then
    cat "$STATE/osv-scanner.log" >&2
    return 2
  fi
  node "$REPO_ROOT/scripts/lib/osv-serious.mjs" "$results"
}

case "${DEPENDENCY_AUDIT_SOURCE:-}" in
  npm) npm_audit; status=$? ;;
  osv) osv_audit; status=$? ;;
  *)
    npm_audit
    status=$?
    if [[ "$status" -eq 3 ]]; then
      osv_audit
      status=$?
    fi
    ;;
esac
if [[ "$status" -eq 3 ]]; then
  say "NOT AUDITED: neither npm's advisory endpoint nor an OSV database of npm advisories could be reached"
  say "(give one with DEPENDENCY_AUDIT_OSV_DB=<npm all.zip from the OSV database>)"
fi
exit "$status"
