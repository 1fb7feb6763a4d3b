# Shared settings of the hub end-to-end scripts. Source it; do not run it.
# shellcheck shell=bash

HUB_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# The project's helpers: ROOT, log, die, and .venv/bin on PATH.
# shellcheck source=../../scripts/lib.sh
source "$HUB_DIR/../../scripts/lib.sh"

# The hub configurations, each built from requirements-<name>.txt and run
# with jupyterhub_config_<name>.py.
HUB_CONFIGS=(5 6)
# The proxy JupyterHub starts, from npm.
CHP_VERSION="5.3.0"
# Hubs are built from the system's Python: a virtual environment made from a
# Python under a 0700 home (/root) cannot be run by the people on the hub.
SYSTEM_PYTHON="${MLP_HUB_PYTHON:-/usr/bin/python3}"

# Where configuration $1 is installed (readable and runnable by everyone).
hub_prefix() {
  printf '%s/mlp-hub-%s\n' "${MLP_HUB_OPT:-/opt}" "$1"
}

