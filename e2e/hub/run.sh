#!/usr/bin/env bash
# The VK Cloud-shaped JupyterHub suite: sets up what is missing (setup.sh),
# then runs the journeys in Chromium on every hub configuration, one after
# the other, and prints one line per configuration:
#   hub(<config>): N passed, M failed; Start My Server -> token in the first cell: ...
# Exits non-zero when a journey failed. Needs root (it creates OS accounts
# and runs JupyterHub with LocalProcessSpawner); otherwise it says it is
# skipped and exits 0. MLP_HUB_CONFIGS="5" runs only some configurations;
# arguments go to Playwright (e.g. -g '^[12]\.' for the first two journeys).
set -euo pipefail

if [ "$(id -u)" != "0" ]; then
  echo "hub: skipped - the JupyterHub suite needs root (it creates OS accounts with useradd and runs each person's server as that account)"
  exit 0
fi

source "$(dirname "$0")/lib.sh"
cd "$ROOT"
START=$(date +%s)

# One run at a time on a machine: the run folders and ports are its own.
exec 9>/tmp/mlp-hub-e2e.lock
flock -n 9 || die "another run of the hub suite holds /tmp/mlp-hub-e2e.lock"

read -r -a configs <<<"${MLP_HUB_CONFIGS:-${HUB_CONFIGS[*]}}"
run_dir() { printf '/tmp/mlp-hub-e2e-%s\n' "$1"; }
dirs=()
for name in "${configs[@]}"; do
  [ -f "$HUB_DIR/jupyterhub_config_$name.py" ] || die "no hub configuration '$name'"
  dirs+=("$(run_dir "$name")")
done

# Whatever happens: no process, account or shared file of a run is left.
cleanup() {
  node "$HUB_DIR/support/run.js" cleanup "${dirs[@]}" || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

[ -x "$ROOT/node_modules/.bin/tsx" ] || die "node_modules is missing: run 'make setup' first"
# Playwright and Galata, as scripts/test.sh installs them.
(cd ui-tests && { [ -d node_modules ] && [ ! package-lock.json -nt node_modules/.package-lock.json ]; } ||
  npm ci --no-audit --no-fund)
PLAYWRIGHT="$ROOT/ui-tests/node_modules/.bin/playwright"
[ -x "${MLP_CHROMIUM:-/usr/bin/chromium}" ] || die "Chromium is missing: apt-get install -y chromium"

# Interrupted runs leave nothing behind either.
node "$HUB_DIR/support/run.js" cleanup "${dirs[@]}"

log "Setting up the hubs"
"$HUB_DIR/setup.sh"
log "Type-checking the suite"
"$ROOT/ui-tests/node_modules/.bin/tsc" -p "$HUB_DIR/tsconfig.json"

status=0
for name in "${configs[@]}"; do
  log "Journeys on hub configuration $name"
  dir="$(run_dir "$name")"
  rm -f "$dir/report.json" "$dir/timings.json"
  # The suite's files find @playwright/test in ui-tests/node_modules.
  MLP_HUB_CONFIG="$name" MLP_HUB_RUN_DIR="$dir" MLP_HUB_PREFIX="$(hub_prefix "$name")" \
    NODE_PATH="$ROOT/ui-tests/node_modules" \
    "$PLAYWRIGHT" test -c "$HUB_DIR/playwright.config.js" "$@" || status=1
done

log "Summary ($(($(date +%s) - START)) s in all)"
node "$HUB_DIR/support/summary.js" "${dirs[@]}"
exit "$status"
