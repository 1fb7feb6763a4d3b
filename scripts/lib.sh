# Shared helpers of the project scripts. Source it; do not run it.
# shellcheck shell=bash

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
export PATH="$VENV/bin:$PATH"

log() {
  printf '\n\033[1m==> %s\033[0m\n' "$*"
}

die() {
  printf 'error: %s\n' "$*" >&2
  exit 1
}

# jupyter refuses to run as root unless told; CI and containers run as root.
allow_root_flag() {
  if [ "$(id -u)" = "0" ]; then
    echo "--allow-root"
  fi
}

# Wait until an HTTP URL answers (any status), or fail after $2 seconds.
wait_for_url() {
  local url="$1" seconds="${2:-60}" i
  for ((i = 0; i < seconds * 4; i++)); do
    if curl -s -o /dev/null "$url"; then
      return 0
    fi
    sleep 0.25
  done
  return 1
}
