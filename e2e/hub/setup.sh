#!/usr/bin/env bash
# Build what the hub end-to-end suite runs, once: the production wheel of
# this extension (scripts/check-wheel.sh, unless dist/ holds one newer than
# every source), and for each hub configuration a system-wide environment
# under /opt/mlp-hub-<name> made from /usr/bin/python3 with JupyterHub, its
# authenticator, JupyterLab, Notebook 7 and this wheel (every package at the
# version constraints-<name>.txt pins), and configurable-http-proxy from npm
# as proxy/package-lock.json locks it; and next to it /opt/mlp-hub-<name>-own,
# the same single-user stack without this extension, made with
# --system-site-packages (as a system Python is), for the person who installs
# the extension for themselves with %pip.
# Needs root. Run again, it only redoes what changed.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
umask 022

[ "$(id -u)" = "0" ] || die "building the hubs needs root (they go to $(hub_prefix '*'))"
[ -x "$SYSTEM_PYTHON" ] || die "$SYSTEM_PYTHON is missing: apt-get install python3 python3-venv"
"$SYSTEM_PYTHON" -c 'import ensurepip, venv' 2>/dev/null ||
  die "$SYSTEM_PYTHON has no venv module: apt-get install python3-venv"
command -v npm >/dev/null || die "npm is needed for configurable-http-proxy"

WHEEL="$(hub_wheel)" || die "no wheel to install"
echo "wheel: $WHEEL"
WHEEL_SHA="$(sha256sum "$WHEEL" | cut -d' ' -f1)"

build_hub() {
  local name="$1" prefix stamp want
  prefix="$(hub_prefix "$name")"
  stamp="$prefix/.mlp-e2e-stamp"
  # Whatever goes into a hub: its requirements and constraints, the wheel,
  # the proxy's lock, the Python, and this script.
  want="$(cat "$HUB_DIR/requirements-$name.txt" "$HUB_DIR/requirements-lab.txt" \
    "$HUB_DIR/constraints-$name.txt" "$HUB_DIR/proxy/package-lock.json" "$0" |
    sha256sum | cut -d' ' -f1) wheel=$WHEEL_SHA python=$("$SYSTEM_PYTHON" -V 2>&1)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    echo "hub $name: up to date in $prefix"
    return
  fi
  log "Building hub $name in $prefix"
  rm -f "$stamp"
  if [ ! -x "$prefix/bin/python" ]; then
    "$SYSTEM_PYTHON" -m venv "$prefix"
  fi
  "$prefix/bin/python" -m pip install --disable-pip-version-check -q \
    -r "$HUB_DIR/requirements-$name.txt" -c "$HUB_DIR/constraints-$name.txt" "$WHEEL"
  # The same version number built again is still a new wheel.
  "$prefix/bin/python" -m pip install --disable-pip-version-check -q \
    --no-deps --force-reinstall "$WHEEL"
  "$prefix/bin/python" -m pip check

  # The proxy exactly as locked (npm ci), again whenever the lock changed.
  if ! cmp -s "$HUB_DIR/proxy/package-lock.json" "$prefix/proxy/package-lock.json" ||
    [ "$("$prefix/proxy/node_modules/.bin/configurable-http-proxy" --version 2>/dev/null)" != "$CHP_VERSION" ]; then
    rm -rf "$prefix/proxy"
    mkdir -p "$prefix/proxy"
    cp "$HUB_DIR/proxy/package.json" "$HUB_DIR/proxy/package-lock.json" "$prefix/proxy/"
    (cd "$prefix/proxy" && npm ci --omit=dev --no-audit --no-fund --loglevel=error >/dev/null)
  fi
  [ "$("$prefix/proxy/node_modules/.bin/configurable-http-proxy" --version)" = "$CHP_VERSION" ] ||
    die "hub $name: the proxy is not configurable-http-proxy $CHP_VERSION"
  ln -sfn ../proxy/node_modules/.bin/configurable-http-proxy "$prefix/bin/configurable-http-proxy"
  # The wheel itself, for people who install it with %pip on the hub.
  rm -rf "$prefix/wheel"
  mkdir -p "$prefix/wheel"
  cp "$WHEEL" "$prefix/wheel/"
  chmod -R a+rX "$prefix"

  # The people on the hub run it as themselves, not as root.
  # (From /, so that this checkout's own package folder is not what is found.)
  (cd / && runuser -u nobody -- "$prefix/bin/python" -c \
    'import jupyterhub, jupyterlab, notebook, ipykernel, jupyterlab_mlplatform_tokens') ||
    die "hub $name cannot be used by other users"
  # Read into a variable first: with pipefail, a `| grep -q` that stops
  # reading early fails the pipeline through SIGPIPE.
  local listing entry
  listing="$(PATH="$prefix/bin:/usr/bin:/bin" "$prefix/bin/jupyter" server extension list 2>&1 || true)"
  entry="$(grep -A1 'jupyterlab_mlplatform_tokens' <<<"$listing" || true)"
  grep -qi 'ok' <<<"$entry" ||
    die "hub $name: the server extension is not enabled and OK"
  printf '%s\n' "$want" >"$stamp"
  echo "hub $name: built in $prefix"
}

# The single-user stack of configuration $1 without this extension, where a
# person's own `pip install` (to ~/.local) counts.
build_own() {
  local name="$1" prefix stamp want
  prefix="$(hub_prefix "$name")-own"
  stamp="$prefix/.mlp-e2e-stamp"
  want="$(cat "$HUB_DIR/requirements-$name.txt" "$HUB_DIR/requirements-lab.txt" \
    "$HUB_DIR/constraints-$name.txt" "$0" | sha256sum | cut -d' ' -f1) python=$("$SYSTEM_PYTHON" -V 2>&1)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    echo "hub $name, own installs: up to date in $prefix"
    return
  fi
  log "Building hub $name's environment for own installs in $prefix"
  rm -rf "$prefix"
  "$SYSTEM_PYTHON" -m venv --system-site-packages "$prefix"
  "$prefix/bin/python" -m pip install --disable-pip-version-check -q \
    -r "$HUB_DIR/requirements-$name.txt" -c "$HUB_DIR/constraints-$name.txt"
  "$prefix/bin/python" -m pip check
  chmod -R a+rX "$prefix"
  # (From /, so that this checkout's own package folder is not what is found.)
  if (cd / && runuser -u nobody -- "$prefix/bin/python" -c 'import jupyterlab_mlplatform_tokens' 2>/dev/null); then
    die "hub $name: $prefix has this extension already"
  fi
  runuser -u nobody -- "$prefix/bin/python" -c \
    'import site, sys; sys.exit(0 if site.ENABLE_USER_SITE else 1)' ||
    die "hub $name: $prefix does not count its users' own installs"
  printf '%s\n' "$want" >"$stamp"
  echo "hub $name, own installs: built in $prefix"
}

for name in "${HUB_CONFIGS[@]}"; do
  build_hub "$name"
  build_own "$name"
done
