#!/usr/bin/env bash
# The kpidesk steps of the GitHub Action (action.yml at the repository's
# root): config check, sync, build, the job summary and the outputs. The
# action runs it with its inputs in the environment, never pasted into the
# script; internal/action/action_test.go runs it with fake GITHUB_* files.
#
#   KPIDESK            the kpidesk binary (default: kpidesk on PATH)
#   KPIDESK_CONFIG     the config (default kpidesk.yaml)
#   KPIDESK_STORE      the store (default kpidesk.db)
#   KPIDESK_SITE       the site folder (default site)
#   KPIDESK_SCORES     the scores folder (default out)
#   KPIDESK_LANGUAGES  the site's languages, "en" or "zh,en"; empty: the config's
#   KPIDESK_FULL_SYNC  "true": kpidesk sync --full
#   GITHUB_OUTPUT, GITHUB_STEP_SUMMARY   GitHub's files; either may be unset
#
# It writes these outputs to $GITHUB_OUTPUT:
#   status=N           kpidesk build's exit status: 0, or 3 when a gate failed
#   period, final, grade, gates_passed   written by kpidesk build --outputs
#
# It exits 0 when the build succeeded or only a quality gate failed (status
# 3, every output written: the action fails the job after uploading the
# site), else with the status of the command that failed.
set -u

kpidesk=${KPIDESK:-kpidesk}
config=${KPIDESK_CONFIG:-kpidesk.yaml}
store=${KPIDESK_STORE:-kpidesk.db}
site=${KPIDESK_SITE:-site}
scores=${KPIDESK_SCORES:-out}
languages=${KPIDESK_LANGUAGES:-}
global=(--config "$config" --store "$store")

# output NAME=VALUE appends a step output, when there is a file for them.
output() {
  if [ -n "${GITHUB_OUTPUT:-}" ]; then
    printf '%s\n' "$1" >>"$GITHUB_OUTPUT"
  fi
}

# summary TEXT appends a line to the job summary, when there is one.
summary() {
  if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
    printf '%s\n' "$1" >>"$GITHUB_STEP_SUMMARY"
  fi
}

# failed WHAT STATUS says on the run's page which step failed; the reason
# is in the step's log, the first line kpidesk printed.
failed() {
  summary "**kpidesk $1 failed** (exit status $2): the log of the kpidesk step says why."
  exit "$2"
}

status=0
"$kpidesk" config check "${global[@]}" || failed "config check" $?

sync=(sync)
if [ "${KPIDESK_FULL_SYNC:-false}" = true ]; then
  sync+=(--full)
fi
# A failed sync keeps every batch it committed: the action saves the store
# all the same, and the next run resumes after the last of them.
"$kpidesk" "${sync[@]}" "${global[@]}" || failed sync $?

build=(build --out "$site" --scores "$scores")
if [ -n "$languages" ]; then
  build+=(--languages "$languages")
fi
if [ -n "${GITHUB_OUTPUT:-}" ]; then
  build+=(--outputs "$GITHUB_OUTPUT")
fi
"$kpidesk" "${build[@]}" "${global[@]}" || status=$?
output "status=$status"
case $status in
0 | 3)
  # Every output is written, the site and summary.md too.
  if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
    cat "$scores/summary.md" >>"$GITHUB_STEP_SUMMARY"
  fi
  ;;
*)
  failed build "$status"
  ;;
esac
exit 0
