#!/usr/bin/env bash
# Set up the development environment: a Python virtual environment with
# JupyterLab and ipykernel, the npm packages, a development build of the
# extension, and the extension installed in development mode.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

command -v node >/dev/null || die "Node.js 20 or newer is needed (https://nodejs.org)."
command -v python3 >/dev/null || die "Python 3.10 or newer is needed."

if [ ! -x "$VENV/bin/python" ]; then
  log "Creating the virtual environment in .venv"
  python3 -m venv "$VENV"
fi

log "Installing the Python development requirements"
python -m pip install --disable-pip-version-check -q -r requirements-dev.txt

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "Installing npm packages (npm ci)"
  npm ci --no-audit --no-fund
fi

log "Building the extension (development build)"
npm run build

log "Installing the extension in development mode"
SKIP_JUPYTER_BUILDER=1 python -m pip install --disable-pip-version-check -q \
  --no-build-isolation --no-deps -e .
jupyter labextension develop --overwrite . >/dev/null
jupyter server extension enable jupyterlab_mlplatform_tokens >/dev/null
