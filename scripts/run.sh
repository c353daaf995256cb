#!/usr/bin/env bash
# Project tasks under Node 24, installing dependencies first when needed.
#
#   run.sh generate    Prisma clients for every service (offline)
#   run.sh build       generate + compile every project (tsc -b, strict)
#   run.sh typecheck   the same compile, as a check
#   run.sh lint        ESLint, including Nx module boundaries
#   run.sh format      Prettier: rewrite every file it formats
#   run.sh format-check  Prettier: fail on any file it would change
#   run.sh migrate     apply SQL migrations to every service database
#   run.sh kafka-access  create the local deployment's topics and grant every Kafka user its ACLs
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/node.sh"
source "$REPO_ROOT/scripts/lib/deps.sh"
source "$REPO_ROOT/scripts/lib/env.sh"
cd "$REPO_ROOT"

generate() {
  # prisma generate needs no schema engine, but insists that the variable names an existing file.
  mkdir -p .local
  touch .local/no-schema-engine
  local service
  for service in "${SERVICES[@]}"; do
    PRISMA_SCHEMA_ENGINE_BINARY="$REPO_ROOT/.local/no-schema-engine" PRISMA_HIDE_UPDATE_MESSAGE=1 \
      npx --no-install prisma generate --schema "prisma/$service/schema.prisma" > .local/prisma-generate.log 2>&1 \
      || { cat .local/prisma-generate.log >&2; exit 1; }
  done
  echo "generate: Prisma clients for ${SERVICES[*]}"
}

build() {
  generate
  npx --no-install tsc -b tsconfig.json
  echo "build: compiled"
}

lint() {
  # The module-boundaries rule reads Nx's cached project graph and silently skips itself without one.
  NX_DAEMON=false npx --no-install nx show projects > /dev/null
  local output
  if ! output="$(NX_DAEMON=false npx --no-install eslint --max-warnings=0 . 2>&1)"; then
    echo "$output" >&2
    return 1
  fi
  if grep -q 'No cached ProjectGraph' <<< "$output"; then
    echo "$output" >&2
    echo "lint: the Nx project graph was missing, so module boundaries were not checked" >&2
    return 1
  fi
  echo "lint: clean (including Nx module boundaries)"
}

# The project's files as git sees them (tracked, or new and not ignored), so that Prettier never
# walks ignored folders such as .local, where a container base's root file system may be mounted.
project_files() {
  local files=() file
  while IFS= read -r -d '' file; do
    [[ -f "$file" ]] && files+=("$file") # not a tracked file deleted since
  done < <(git ls-files -z --cached --others --exclude-standard)
  npx --no-install prettier --ignore-unknown "$@" "${files[@]}"
}

format() {
  project_files --write --log-level=warn
}

format_check() {
  if ! project_files --check --log-level=warn; then
    echo "format: the files above are not formatted; run npm run format" >&2
    return 1
  fi
  echo "format: clean"
}

migrate() {
  local service url
  for service in "${SERVICES[@]}"; do
    url="$(service_migration_database_url "$service")"
    # --service: the tables of the libraries it uses (libs/shared/*/migrations), then prisma/<service>/migrations.
    # As the database's owner; then the runtime role may read and write the rows, nothing more.
    node libs/shared/prisma/dist/src/cli/migrate.js --name "$service" --database-url "$url" \
      --service "$service" --root "$REPO_ROOT" --runtime-role "$(service_runtime_role "$service")"
  done
}

ensure_dependencies
case "${1:-}" in
  generate) generate ;;
  build | typecheck) build ;;
  lint) lint ;;
  format) format ;;
  format-check) format_check ;;
  migrate) migrate ;;
  kafka-access) grant_kafka_access ;;
  *) echo "usage: $0 generate|build|typecheck|lint|format|format-check|migrate|kafka-access" >&2; exit 2 ;;
esac
