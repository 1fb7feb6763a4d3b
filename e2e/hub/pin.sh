#!/usr/bin/env bash
# Pin the hub suite's dependencies again, after requirements-*.txt, the
# extension's own dependencies or the proxy's version changed:
# constraints-<name>.txt from a fresh, unconstrained resolution of each hub
# configuration (requirements-<name>.txt and this extension's wheel, in a
# throw-away virtual environment of the system's Python), and
# proxy/package-lock.json from npm. Review the diff and commit it; setup.sh
# then builds exactly that. Needs PyPI and npm; not root.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

WHEEL="$(hub_wheel)" || die "no wheel to resolve with"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

for name in "${HUB_CONFIGS[@]}"; do
  log "Resolving hub configuration $name"
  "$SYSTEM_PYTHON" -m venv "$work/$name"
  "$work/$name/bin/python" -m pip install --disable-pip-version-check -q \
    -r "$HUB_DIR/requirements-$name.txt" "$WHEEL"
  "$work/$name/bin/python" -m pip check
  {
    echo "# Every package of hub configuration \"$name\" as resolved from requirements-$name.txt and"
    echo "# this extension's wheel (which is not listed). setup.sh installs with it; pin.sh"
    echo "# writes it again."
    "$work/$name/bin/python" -m pip freeze --disable-pip-version-check \
      --exclude jupyterlab-mlplatform-tokens
  } >"$HUB_DIR/constraints-$name.txt"
  echo "constraints-$name.txt: $(grep -cv '^#' "$HUB_DIR/constraints-$name.txt") packages"
done

log "Locking configurable-http-proxy $CHP_VERSION"
(cd "$HUB_DIR/proxy" && rm -f package-lock.json &&
  npm install --package-lock-only --no-audit --no-fund --loglevel=error)
echo "proxy/package-lock.json: $(grep -c '"node_modules/' "$HUB_DIR/proxy/package-lock.json") packages"
