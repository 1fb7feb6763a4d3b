#!/usr/bin/env bash
# The compatibility matrix: the built wheel installed, without upgrading
# anything, into clean environments of the oldest and the newest supported
# JupyterLab and Notebook 7. In each: the install changes nothing but adding
# this package, `jupyter labextension list` says OK, `pip check` is clean, and
# the smoke Galata journeys (ui-tests/compat/) pass in Chromium with no
# warning or error from the extension in the browser console.
#
#   scripts/compat.sh [WHEEL]   test WHEEL (default: build one)
#   scripts/compat.sh --relock  resolve the environments' lock files again
#
# Prints one line per environment and a last line `compat: N passed, M
# failed`, counting per environment its three install checks (nothing
# upgraded, labextension OK, pip check) and its smoke tests. The
# environments are made afresh on every run from the lock files in
# ui-tests/compat/envs/ (pip's cache makes that quick), in MLP_COMPAT_DIR
# (default: a folder in the system's temporary directory, outside the
# checkout so no linter or test runner walks them), where their logs stay
# until the next run.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

# name | what the host has installed (the lock is resolved from these) | Galata projects
#
# lab-4.0: the oldest supported JupyterLab with the oldest jupyter_server and
#   jupyter_client the server part accepts (pyproject.toml says why), and the
#   last ipykernel 6.
# notebook-7.0: the oldest Notebook 7; jupyterlab 4.0.2 because notebook
#   7.0.0 requires jupyterlab>=4.0.2.
# newest: the newest releases of all of them.
ENVS=(
  "lab-4.0|jupyterlab==4.0.0 jupyter_server==2.14.2 jupyter_client==8.6.0 ipykernel==6.29.5|lab"
  "notebook-7.0|notebook==7.0.0 jupyterlab==4.0.2 jupyter_server==2.14.2 jupyter_client==8.6.0 ipykernel==6.29.5|notebook"
  "newest|jupyterlab==4.6.6 notebook==7.6.5 jupyter_server==2.21.1 jupyter_client==8.10.0 ipykernel==7.4.0|lab notebook"
)
LOCKS="$ROOT/ui-tests/compat/envs"
RUN="${MLP_COMPAT_DIR:-${TMPDIR:-/tmp}/mlp-compat-$(id -u)}"
PIP=(-m pip --disable-pip-version-check)
# The interpreter the environments are made from: the one .venv was made
# from, not .venv itself.
BASE_PYTHON="$(python3 -c 'import sys; print(sys._base_executable)')"
START=$(date +%s)
mkdir -p "$RUN"

new_venv() {
  rm -rf "$1"
  "$BASE_PYTHON" -m venv "$1"
}

if [ "${1:-}" = "--relock" ]; then
  for entry in "${ENVS[@]}"; do
    IFS='|' read -r name pins _ <<<"$entry"
    log "Resolving $name: $pins"
    new_venv "$RUN/relock-$name"
    # shellcheck disable=SC2086
    "$RUN/relock-$name/bin/python" "${PIP[@]}" install -q $pins
    "$RUN/relock-$name/bin/python" "${PIP[@]}" check
    {
      echo "# The \"$name\" host of the compatibility matrix (scripts/compat.sh):"
      echo "#   $pins"
      echo "# and what they pulled in, resolved on $(date -u +%Y-%m-%d)."
      echo "# Regenerate with scripts/compat.sh --relock."
      "$RUN/relock-$name/bin/python" "${PIP[@]}" freeze
    } >"$LOCKS/$name.txt"
    rm -rf "$RUN/relock-$name"
  done
  exit 0
fi

# The development environment builds the wheel and runs the emulator and
# Playwright (make test has set it up already).
[ -x "$VENV/bin/python" ] && [ -d node_modules ] || "$ROOT/scripts/setup.sh"
[ -x "${MLP_CHROMIUM:-/usr/bin/chromium}" ] || die "Chromium is needed (apt-get install chromium, or set MLP_CHROMIUM)"
(cd ui-tests && { [ -d node_modules ] && [ ! package-lock.json -nt node_modules/.package-lock.json ]; } || npm ci --no-audit --no-fund)

WHEEL="${1:-}"
if [ -z "$WHEEL" ]; then
  log "Building the wheel"
  npm run -s build:prod >"$RUN/build.log" 2>&1 || { cat "$RUN/build.log"; die "the production build failed"; }
  rm -rf "$RUN/dist"
  python "${PIP[@]}" wheel -q --no-deps --no-build-isolation -w "$RUN/dist" . >>"$RUN/build.log" 2>&1 ||
    { cat "$RUN/build.log"; die "building the wheel failed"; }
  WHEEL="$(ls "$RUN"/dist/jupyterlab_mlplatform_tokens-*.whl)"
fi
[ -f "$WHEEL" ] || die "no wheel at $WHEEL"
WHEEL="$(cd "$(dirname "$WHEEL")" && pwd)/$(basename "$WHEEL")"

# The hosts, made in parallel: exactly what their lock files say.
log "Creating the environments"
pids=()
for entry in "${ENVS[@]}"; do
  IFS='|' read -r name _ _ <<<"$entry"
  rm -rf "${RUN:?}/$name"
  mkdir -p "$RUN/$name"
  (
    new_venv "$RUN/$name/venv"
    "$RUN/$name/venv/bin/python" "${PIP[@]}" install -q --no-deps -r "$LOCKS/$name.txt"
  ) >"$RUN/$name/setup.log" 2>&1 &
  pids+=("$!")
done
for i in "${!pids[@]}"; do
  wait "${pids[$i]}" || { cat "$RUN/$(cut -d'|' -f1 <<<"${ENVS[$i]}")/setup.log"; die "creating an environment failed"; }
done

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

version_of() {
  "$1/bin/python" -c 'import sys; from importlib.metadata import version; print(version(sys.argv[1]))' "$2" 2>/dev/null || true
}

total_passed=0
total_failed=0
lines=()
for entry in "${ENVS[@]}"; do
  IFS='|' read -r name _ projects <<<"$entry"
  dir="$RUN/$name"
  venv="$dir/venv"
  py="$venv/bin/python"
  passed=0
  failed=0
  log "Environment $name"
  # Nothing of the machine leaks in: the environment's own programs, and
  # Jupyter and IPython folders of this run.
  run_env=(env -u PYTHONPATH -u MLP_REFRESH_TOKEN -u MLPLATFORM_API_URL
    PATH="$venv/bin:/usr/bin:/bin" VIRTUAL_ENV="$venv" PYTHONNOUSERSITE=1
    JUPYTER_CONFIG_DIR="$dir/jupyter-config" JUPYTER_DATA_DIR="$dir/jupyter-data"
    JUPYTER_RUNTIME_DIR="$dir/jupyter-runtime" IPYTHONDIR="$dir/ipython"
    JUPYTER_PLATFORM_DIRS=0 JUPYTER_PREFER_ENV_PATH=1)

  # 1. The wheel installs without changing anything the host has.
  "${run_env[@]}" "$py" "${PIP[@]}" freeze >"$dir/before.txt"
  if ! diff <(grep -v '^#' "$LOCKS/$name.txt") "$dir/before.txt" >"$dir/host.diff"; then
    cat "$dir/host.diff"
    die "$name is not the host its lock file describes"
  fi
  install="FAILED"
  if "${run_env[@]}" "$py" "${PIP[@]}" install "$WHEEL" >"$dir/install.log" 2>&1; then
    "${run_env[@]}" "$py" "${PIP[@]}" freeze >"$dir/after.txt"
    changed="$(diff "$dir/before.txt" "$dir/after.txt" | grep '^[<>]' | grep -v '^> jupyterlab_mlplatform_tokens @ ' || true)"
    if [ -z "$changed" ]; then
      install="OK (nothing upgraded)"
    else
      install="FAILED (changed: $(tr '\n' ' ' <<<"$changed"))"
    fi
  else
    tail -20 "$dir/install.log"
  fi
  [ "${install%% *}" = "OK" ] && passed=$((passed + 1)) || failed=$((failed + 1))

  # 2. labextension list: enabled and OK, nothing reported incompatible.
  "${run_env[@]}" "$venv/bin/jupyter" labextension list >"$dir/labextension.txt" 2>&1 || true
  if grep -qE 'jupyterlab-mlplatform-tokens v[0-9.]+ .*enabled.*OK' "$dir/labextension.txt" &&
    ! grep -qi 'not compatible' "$dir/labextension.txt"; then
    labext="OK"
    passed=$((passed + 1))
  else
    labext="FAILED"
    failed=$((failed + 1))
    cat "$dir/labextension.txt"
  fi

  # 3. pip check.
  if "${run_env[@]}" "$py" "${PIP[@]}" check >"$dir/pip-check.txt" 2>&1; then
    pipcheck="OK"
    passed=$((passed + 1))
  else
    pipcheck="FAILED"
    failed=$((failed + 1))
    cat "$dir/pip-check.txt"
  fi

  # 4. The smoke journeys in Chromium, against this environment's server.
  mkdir -p "$dir/root" "$dir/vault"
  chmod 700 "$dir/vault"
  project_args=()
  for project in $projects; do
    project_args+=(--project "$project")
  done
  set +e
  (cd ui-tests && env -u MLP_REFRESH_TOKEN MLP_COMPAT_ENV="$venv" MLP_COMPAT_RUN_DIR="$dir" \
    MLP_UI_PORT="$(free_port)" MLP_EMULATOR_PORT="$(free_port)" \
    JUPYTER_CONFIG_DIR="$dir/jupyter-config" JUPYTER_DATA_DIR="$dir/jupyter-data" \
    JUPYTER_RUNTIME_DIR="$dir/jupyter-runtime" IPYTHONDIR="$dir/ipython" \
    JUPYTER_PLATFORM_DIRS=0 JUPYTER_PREFER_ENV_PATH=1 PYTHONNOUSERSITE=1 \
    npx playwright test -c compat/playwright.config.js "${project_args[@]}") >"$dir/galata.log" 2>&1
  rc=$?
  set -e
  smoke_passed=$(sed -n 's/^ *\([0-9]\+\) passed.*/\1/p' "$dir/galata.log" | tail -1)
  smoke_failed=$(sed -n 's/^ *\([0-9]\+\) failed.*/\1/p' "$dir/galata.log" | tail -1)
  smoke_passed=${smoke_passed:-0}
  smoke_failed=${smoke_failed:-0}
  if [ "$rc" != 0 ] && [ "$smoke_failed" = 0 ]; then
    smoke_failed=1 # the run itself failed (a server did not start, ...)
  fi
  if [ "$rc" != 0 ]; then
    tail -60 "$dir/galata.log"
  fi
  passed=$((passed + smoke_passed))
  failed=$((failed + smoke_failed))

  versions=""
  for package in notebook jupyterlab jupyter_server jupyter_client; do
    v="$(version_of "$venv" "$package")"
    if [ -n "$v" ]; then
      versions="${versions:+$versions, }$package $v"
    fi
  done
  lines+=("compat($versions): install $install, labextension $labext, pip check $pipcheck, smoke $smoke_passed passed, $smoke_failed failed")
  echo "${lines[-1]}"
  total_passed=$((total_passed + passed))
  total_failed=$((total_failed + failed))
done

log "Compatibility matrix ($(($(date +%s) - START)) s)"
printf '%s\n' "${lines[@]}"
echo "compat: $total_passed passed, $total_failed failed"
[ "$total_failed" = 0 ]
