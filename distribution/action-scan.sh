#!/usr/bin/env bash
# The scan step of action.yml. Every input arrives as an environment variable (SLUICE_*), never
# written into this script by the workflow engine, and reaches sluice as one argument each: a
# folder or format named `x"; curl … | sh` is a folder or format that does not exist, nothing
# more. The step never fails on the verdict itself: the job summary and the SARIF upload run
# first, and the action's last step exits with the status recorded here.
set -uo pipefail

out="${RUNNER_TEMP:?RUNNER_TEMP is not set}/sluice"
mkdir -p "$out"
# A report left by an earlier run of the action in this job must not stand for this one.
rm -f "$out/sluice.sarif" "$out/sluice.md" "$out/sluice.json"
args=(
  scan "${SLUICE_PATH:-.}"
  --severity "${SLUICE_SEVERITY:-CRITICAL,HIGH}"
  --fail-on "${SLUICE_FAIL_ON:-blocked}"
  --format table
  --format "sarif=$out/sluice.sarif"
  --format "markdown=$out/sluice.md"
  --format "json=$out/sluice.json"
)
if [ -n "${SLUICE_CONFIG:-}" ]; then args+=(--config "$SLUICE_CONFIG"); fi
# More reports: one NAME or NAME=FILE per line (commas also separate).
while IFS= read -r format; do
  format="${format#"${format%%[![:space:]]*}"}"
  format="${format%"${format##*[![:space:]]}"}"
  if [ -n "$format" ]; then args+=(--format "$format"); fi
done < <(printf '%s\n' "${SLUICE_FORMATS:-}" | tr ',' '\n')

sluice "${args[@]}"
status=$?

verdict=error
if [ -s "$out/sluice.json" ]; then
  verdict="$(node -e 'process.stdout.write(String(JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8")).verdict))' "$out/sluice.json")" || verdict=error
fi
{
  echo "exit-code=$status"
  echo "verdict=$verdict"
  echo "sarif-file=$out/sluice.sarif"
  echo "markdown-file=$out/sluice.md"
  echo "json-file=$out/sluice.json"
} >> "${GITHUB_OUTPUT:?GITHUB_OUTPUT is not set}"
exit 0
