#!/usr/bin/env bash
# The whole test suite: installs what is missing, then lint, jest, pytest,
# the production build, the wheel check, the compatibility matrix, the Galata
# UI tests (at the root URL and under a JupyterHub-like base URL), and the
# journeys on a real JupyterHub (as root). Prints the counts.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

START=$(date +%s)
REPORT="$ROOT/.run/test-report"
mkdir -p "$ROOT/.run"
: >"$REPORT"
step_start=0
step() {
  step_start=$(date +%s)
  log "$*"
}
record() {
  # record NAME PASSED FAILED
  printf '%s: %s passed, %s failed (%ss)\n' "$1" "$2" "$3" "$(($(date +%s) - step_start))" >>"$REPORT"
}

# From Debian when missing: Chromium for the UI tests, R with IRkernel for
# the R kernel tests (which then must not be skipped).
if [ "$(id -u)" = "0" ]; then SUDO=""; else SUDO="sudo"; fi
apt_updated=""
apt_install() {
  [ -n "$apt_updated" ] || { $SUDO apt-get update -qq && apt_updated=1; }
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}
if ! command -v chromium >/dev/null && [ ! -x "${MLP_CHROMIUM:-/usr/bin/chromium}" ]; then
  step "Installing Chromium from Debian"
  apt_install chromium
fi
# The R tests' server sees system-wide kernel specs only.
if [ ! -e /usr/share/jupyter/kernels/ir/kernel.json ] && [ ! -e /usr/local/share/jupyter/kernels/ir/kernel.json ]; then
  step "Installing R and IRkernel from Debian"
  apt_install --no-install-recommends r-base-core r-cran-irkernel
fi
export MLP_REQUIRE_R=1

step "Setting up"
"$ROOT/scripts/setup.sh"
(cd ui-tests && { [ -d node_modules ] && [ ! package-lock.json -nt node_modules/.package-lock.json ]; } || npm ci --no-audit --no-fund)

step "Lint"
npm run -s lint:check
npm run -s gen:api:check
ruff check .
ruff format --check .
(cd ui-tests && npx tsc -p tsconfig.json)

step "jest"
npx jest --ci 2>&1 | tee "$ROOT/.run/jest.log"
counts=$(grep -E '^Tests:' "$ROOT/.run/jest.log" | tail -1)
record jest "$(sed -n 's/.* \([0-9]\+\) passed.*/\1/p' <<<"$counts")" "$(sed -n 's/.* \([0-9]\+\) failed.*/\1/p' <<<"$counts" | grep . || echo 0)"

step "pytest"
# The property tests (Hypothesis) draw from one seed per run, printed so that a
# failure can be repeated: HYPOTHESIS_SEED=<n> make test.
HYPOTHESIS_SEED="${HYPOTHESIS_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}"
echo "Hypothesis seed: $HYPOTHESIS_SEED (repeat with HYPOTHESIS_SEED=$HYPOTHESIS_SEED)"
python -m pytest -q -p no:cacheprovider --hypothesis-seed="$HYPOTHESIS_SEED" 2>&1 | tee "$ROOT/.run/pytest.log"
counts=$(tail -1 "$ROOT/.run/pytest.log")
record pytest "$(sed -n 's/.*\b\([0-9]\+\) passed.*/\1/p' <<<"$counts")" "$(sed -n 's/.*\b\([0-9]\+\) failed.*/\1/p' <<<"$counts" | grep . || echo 0)"

python scripts/i18n/catalog.py stats | tee -a "$ROOT/.run/i18n.log"

step "Security suites (auth sweep, hostile inputs, crash safety; MLP_LONG=1 for the long runs)"
python -m pytest -q -p no:cacheprovider security 2>&1 | tee "$ROOT/.run/security.log"
counts=$(tail -1 "$ROOT/.run/security.log")
record security "$(sed -n 's/.*\b\([0-9]\+\) passed.*/\1/p' <<<"$counts")" "$(sed -n 's/.*\b\([0-9]\+\) failed.*/\1/p' <<<"$counts" | grep . || echo 0)"

step "Production build and wheel check"
"$ROOT/scripts/check-wheel.sh"

step "Compatibility matrix (JupyterLab 4.0.0 and 4.6.6, Notebook 7.0.0 and 7.6.5)"
scripts/compat.sh "$(ls "$ROOT"/dist/jupyterlab_mlplatform_tokens-*.whl)" 2>&1 | tee "$ROOT/.run/compat.log"
counts=$(tail -1 "$ROOT/.run/compat.log")
record compat "$(sed -n 's/^compat: \([0-9]\+\) passed.*/\1/p' <<<"$counts")" "$(sed -n 's/.* \([0-9]\+\) failed$/\1/p' <<<"$counts" | grep . || echo 0)"

for base_url in / /user/alice/; do
  step "Galata UI tests at base URL $base_url"
  # One retry: the Russian dark-theme dialog check has been seen to miss the
  # focus of the name field about one run in three; a pass on retry shows as
  # "flaky" in the log.
  (cd ui-tests && MLP_UI_RETRIES=1 MLP_BASE_URL="$base_url" npx playwright test) 2>&1 | tee "$ROOT/.run/galata.log"
  passed=$(sed -n 's/^ *\([0-9]\+\) passed.*/\1/p' "$ROOT/.run/galata.log" | tail -1)
  failed=$(sed -n 's/^ *\([0-9]\+\) failed.*/\1/p' "$ROOT/.run/galata.log" | tail -1)
  record "galata($base_url)" "${passed:-0}" "${failed:-0}"
done

step "Galata UI tests with the library backend (mlplatform_client stand-in)"
(cd ui-tests && npx playwright test -c library) 2>&1 | tee "$ROOT/.run/galata-library.log"
passed=$(sed -n 's/^ *\([0-9]\+\) passed.*/\1/p' "$ROOT/.run/galata-library.log" | tail -1)
failed=$(sed -n 's/^ *\([0-9]\+\) failed.*/\1/p' "$ROOT/.run/galata-library.log" | tail -1)
record "galata(library)" "${passed:-0}" "${failed:-0}"

# Needs root (OS accounts); otherwise e2e/hub/run.sh says why in one line,
# and it counts as skipped. A failing journey does not stop this script: the
# counts of every configuration are recorded, and make test fails at the end.
step "JupyterHub journeys (a VK Cloud-shaped hub; JupyterHub 5 and 6)"
hub_status=0
bash e2e/hub/run.sh 2>&1 | tee "$ROOT/.run/hub.log" || hub_status=$?
if skipped=$(sed -n 's/^hub: skipped - //p' "$ROOT/.run/hub.log") && [ -n "$skipped" ]; then
  printf 'hub: 0 passed, 0 failed, 1 skipped (%s)\n' "$skipped" >>"$REPORT"
else
  hub_lines=$(grep -E '^hub\(' "$ROOT/.run/hub.log" || true)
  hub_failed=0
  while IFS= read -r line; do
    [ -n "$line" ] || continue
    passed=$(sed -n 's/^[^:]*: \([0-9]\+\) passed.*/\1/p' <<<"$line")
    failed=$(sed -n 's/^[^:]*: [0-9]\+ passed, \([0-9]\+\) failed.*/\1/p' <<<"$line")
    hub_failed=$((hub_failed + ${failed:-1}))
    # As record does, with the time from Start My Server to the token in
    # the first cell on the same line.
    timing=$(sed -n 's/.*; \(Start My Server -> token in the first cell: .*\)$/\1/p' <<<"$line")
    # Tests marked as failing for a known product defect, by title.
    known=$(sed -n 's/.*[(;] *\([0-9]\+ known to fail: [^);]*\).*/\1/p' <<<"$line")
    printf '%s: %s passed, %s failed (%ss)%s%s\n' "${line%%: *}" "${passed:-0}" "${failed:-1}" \
      "$(($(date +%s) - step_start))" "${known:+; $known}" "${timing:+; $timing}" >>"$REPORT"
  done <<<"$hub_lines"
  # A run that ended badly without a journey failing (set-up, clean-up, no
  # summary) fails the step too.
  if [ -z "$hub_lines" ] || { [ "$hub_status" != 0 ] && [ "$hub_failed" = 0 ]; }; then
    printf 'hub: 0 passed, 1 failed (e2e/hub/run.sh exited with %s; see .run/hub.log)\n' "$hub_status" >>"$REPORT"
  fi
fi

log "Summary ($(($(date +%s) - START)) s in all)"
cat "$REPORT"
awk '{p += $2; f += $4; if ($7 ~ /^skipped/) s += $6}
  END {printf "total: %d passed, %d failed, %d skipped\n", p, f, s; exit (f > 0)}' "$REPORT"
