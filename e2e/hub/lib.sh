# Shared settings of the hub end-to-end scripts. Source it; do not run it.
# shellcheck shell=bash

HUB_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# The project's helpers: ROOT, log, die, and .venv/bin on PATH.
# shellcheck source=../../scripts/lib.sh
source "$HUB_DIR/../../scripts/lib.sh"

# The hub configurations, each built from requirements-<name>.txt and run
# with jupyterhub_config_<name>.py.
HUB_CONFIGS=(5 6)
# The proxy JupyterHub starts, from npm: the version proxy/package.json
# names, with every dependency as proxy/package-lock.json locks it.
CHP_VERSION="$(sed -n 's/.*"configurable-http-proxy": "\([^"]*\)".*/\1/p' "$HUB_DIR/proxy/package.json")"
# Hubs are built from the system's Python: a virtual environment made from a
# Python under a 0700 home (/root) cannot be run by the people on the hub.
SYSTEM_PYTHON="${MLP_HUB_PYTHON:-/usr/bin/python3}"

# Where configuration $1 is installed (readable and runnable by everyone).
hub_prefix() {
  printf '%s/mlp-hub-%s\n' "${MLP_HUB_OPT:-/opt}" "$1"
}


# The inputs of a build of this extension's wheel; a wheel newer than all of
# them is current.
build_inputs() {
  (cd "$ROOT" && find src schema style jupyter-config jupyterlab_mlplatform_tokens \
    package.json pyproject.toml install.json \
    -type f -not -path '*/labextension/*' -not -path '*/__pycache__/*' \
    -not -path '*/tests/*' -not -name '_version.py' "$@")
}

# The wheel in dist/; with "current", only if no input is newer than it.
dist_wheel() {
  local wheels=("$ROOT"/dist/jupyterlab_mlplatform_tokens-*.whl)
  [ "${#wheels[@]}" = 1 ] && [ -f "${wheels[0]}" ] || return 1
  if [ "${1:-}" = current ]; then
    [ -z "$(build_inputs -newer "${wheels[0]}" -print -quit)" ] || return 1
  fi
  printf '%s\n' "${wheels[0]}"
}

# The production wheel the hubs get: MLP_HUB_WHEEL, or the current one in
# dist/, built with scripts/check-wheel.sh when there is none.
hub_wheel() {
  if [ -n "${MLP_HUB_WHEEL:-}" ]; then
    realpath "$MLP_HUB_WHEEL"
  elif ! dist_wheel current; then
    log "Building the production wheel (scripts/check-wheel.sh)" >&2
    "$ROOT/scripts/check-wheel.sh" >&2
    # The one just built, even if a source was edited while it was built.
    dist_wheel || die "scripts/check-wheel.sh left no wheel in dist/"
  fi
}
