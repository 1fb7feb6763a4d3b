#!/usr/bin/env bash
# Build the production bundle and the wheel, install the wheel into a clean
# virtual environment, and check - with no Node.js on PATH - that JupyterLab
# lists the frontend extension as enabled and OK and the server part as
# enabled.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

npm run -s build:prod
# The budget of DESIGN.md §6, measured as bench/panel.ts does: each static JS
# file gzipped at level 9, the sizes summed, in KB of 1024 bytes.
BUDGET_GZIP_KB=40
measured="$(python - <<'PY'
import gzip, pathlib
files = sorted(pathlib.Path("jupyterlab_mlplatform_tokens/labextension/static").glob("*.js"))
print(sum(len(gzip.compress(f.read_bytes(), 9)) for f in files), len(files))
PY
)"
read -r gzip_bytes gzip_files <<<"$measured"
gzip_kb="$(awk -v b="$gzip_bytes" 'BEGIN { printf "%.2f", b / 1024 }')"
[ "$gzip_files" -gt 0 ] || die "the production build has no static JS to measure"
# A figure, not a pass/fail: size claims are judged by bench/panel.ts, which
# exits 1 over the budget.
if [ "$gzip_bytes" -le $((BUDGET_GZIP_KB * 1024)) ]; then
  echo "gzipped static JS: $gzip_kb KB in $gzip_files files (budget $BUDGET_GZIP_KB KB: within)"
else
  echo "gzipped static JS: $gzip_kb KB in $gzip_files files (budget $BUDGET_GZIP_KB KB: OVER; bench/panel.ts fails)"
fi
rm -rf dist
python -m pip wheel --disable-pip-version-check -q --no-deps --no-build-isolation -w dist .
WHEEL="$(ls dist/jupyterlab_mlplatform_tokens-*.whl)"
echo "built $(basename "$WHEEL")"
# Listings are read into variables and searched with here-strings: with
# pipefail, `unzip ... | grep -q` fails whenever grep stops reading first and
# unzip dies of SIGPIPE.
files="$(unzip -Z1 "$WHEEL")"
if grep -qE '\.venv|node_modules|/tests/' <<<"$files"; then
  die "the wheel carries files it should not"
fi
# The tests' stand-in for the vendor's library must never ship: installed, it
# would shadow the real mlplatform_client.
if grep -qE '(^|/)(mlplatform_client|standins)(/|\.py$)' <<<"$files"; then
  die "the wheel carries the tests' mlplatform_client stand-in"
fi

CLEAN="$(mktemp -d)/venv"
python3 -m venv "$CLEAN"
"$CLEAN/bin/python" -m pip install --disable-pip-version-check -q "$WHEEL" "jupyterlab==4.6.6"

# Only the clean environment on PATH: no node, no npm.
NO_NODE_PATH="$CLEAN/bin"
if PATH="$NO_NODE_PATH" "$CLEAN/bin/python" -c 'import shutil, sys; sys.exit(shutil.which("node") is None)'; then
  die "node is reachable from the clean environment"
fi
labext="$(PATH="$NO_NODE_PATH" "$CLEAN/bin/jupyter" labextension list 2>&1)"
serverext="$(PATH="$NO_NODE_PATH" "$CLEAN/bin/jupyter" server extension list 2>&1)"
echo "$labext" | grep -i mlplatform
echo "$serverext" | grep -i mlplatform
grep -qE 'jupyterlab-mlplatform-tokens v[0-9.]+ .*enabled.*OK' <<<"$labext" ||
  die "the frontend extension is not listed as enabled and OK"
grep -qE 'jupyterlab_mlplatform_tokens .*enabled' <<<"$serverext" ||
  die "the server extension is not listed as enabled"
serverext_entry="$(grep -A1 'jupyterlab_mlplatform_tokens' <<<"$serverext" || true)"
grep -qi 'OK' <<<"$serverext_entry" ||
  die "the server extension did not import cleanly"
grep -qx 'jupyterlab_mlplatform_tokens/locale/ru_RU/LC_MESSAGES/jupyterlab_mlplatform_tokens.json' <<<"$files" ||
  die "the wheel carries no Russian catalog"
"$CLEAN/bin/python" -c '
from jupyterlab_server.translation_utils import get_installed_packages_locale as found
catalogs, _ = found("ru_RU")
assert catalogs["jupyterlab_mlplatform_tokens"][""]["language"] == "ru-RU", "no ru-RU catalog"
' || die "JupyterLab does not find the Russian catalog of the installed wheel"
echo "Russian catalog found by JupyterLab"
"$CLEAN/bin/python" -c 'import importlib.util, sys; sys.exit(importlib.util.find_spec("mlplatform_client") is not None)' ||
  die "installing the wheel made an mlplatform_client importable"
echo "no mlplatform_client stand-in in the wheel"
rm -rf "$(dirname "$CLEAN")"
echo "wheel check passed"
