#!/usr/bin/env bash
# Set everything up, then run the ML Platform emulator and JupyterLab with the
# extension pointed at it. Prints the JupyterLab URL and a seeded
# Administrator token. Ctrl-C stops everything it started.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

LAB_PORT="${LAB_PORT:-8888}"
EMULATOR_PORT="${EMULATOR_PORT:-8765}"
RUN_DIR="$ROOT/.run"

"$ROOT/scripts/setup.sh"

mkdir -p "$RUN_DIR/notebooks"
chmod 700 "$RUN_DIR"
pids=()
cleanup() {
  trap - EXIT INT TERM
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM

log "Starting the ML Platform emulator on 127.0.0.1:$EMULATOR_PORT"
: >"$RUN_DIR/emulator.log"
chmod 600 "$RUN_DIR/emulator.log"
node_modules/.bin/tsx emulator/src/main.ts --host 127.0.0.1 --port "$EMULATOR_PORT" \
  --data "$RUN_DIR/emulator.json" --seed-admin >"$RUN_DIR/emulator.log" 2>&1 &
pids+=($!)
for _ in $(seq 120); do
  grep -q '^MLPLATFORM_ADMIN_TOKEN=' "$RUN_DIR/emulator.log" && break
  kill -0 "${pids[0]}" 2>/dev/null || { cat "$RUN_DIR/emulator.log"; die "the emulator did not start"; }
  sleep 0.25
done
ADMIN_TOKEN="$(sed -n 's/^MLPLATFORM_ADMIN_TOKEN=//p' "$RUN_DIR/emulator.log" | tail -1)"
[ -n "$ADMIN_TOKEN" ] || die "the emulator printed no Administrator token"
export MLPLATFORM_API_URL="http://127.0.0.1:$EMULATOR_PORT"

log "Starting JupyterLab on 127.0.0.1:$LAB_PORT"
LAB_TOKEN="$(python -c 'import secrets; print(secrets.token_hex(24))')"
# shellcheck disable=SC2046
jupyter lab --no-browser $(allow_root_flag) \
  --ServerApp.ip=127.0.0.1 --ServerApp.port="$LAB_PORT" --ServerApp.port_retries=0 \
  --IdentityProvider.token="$LAB_TOKEN" \
  --ServerApp.root_dir="$RUN_DIR/notebooks" \
  --MLPlatformTokens.vault_path="$RUN_DIR/vault/vault.json" >"$RUN_DIR/jupyterlab.log" 2>&1 &
pids+=($!)
wait_for_url "http://127.0.0.1:$LAB_PORT/api" 120 || { tail -20 "$RUN_DIR/jupyterlab.log"; die "JupyterLab did not start"; }

cat <<INFO

  JupyterLab:                 http://127.0.0.1:$LAB_PORT/lab?token=$LAB_TOKEN
  ML Platform API (emulator): $MLPLATFORM_API_URL
  Administrator access token: $ADMIN_TOKEN

  Open the "ML Platform Tokens" panel (key icon, left sidebar) and add the
  token above. Logs: .run/jupyterlab.log, .run/emulator.log
  Press Ctrl-C to stop JupyterLab and the emulator.

INFO
wait -n "${pids[@]}"
