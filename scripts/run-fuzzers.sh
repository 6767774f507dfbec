#!/usr/bin/env bash
# Runs every libFuzzer target for SECONDS each, from the seed corpus in
# fuzz/corpus/<target> (copied, so the checked-in seeds stay as they are).
# Prints the executions per target; fails on any finding.
set -euo pipefail
build=${1:?usage: run-fuzzers.sh BUILD_DIR SECONDS}
seconds=${2:?usage: run-fuzzers.sh BUILD_DIR SECONDS}
[ "$seconds" -gt 0 ] || { echo "fuzz: skipped (0 seconds)"; exit 0; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0
for target in quantity runs_csv law_json hardware_db codecarbon; do
  mkdir -p "$work/$target"
  cp fuzz/corpus/$target/* "$work/$target/"
  log="$work/$target.log"
  if "$build/fuzz/fuzz_$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
       -artifact_prefix="$work/$target-" "$work/$target" >"$log" 2>&1; then
    execs=$( (grep -oE 'Done [0-9]+ runs' "$log" || true) | awk '{print $2}')
    corpus=$(ls "$work/$target" | wc -l)
    echo "fuzz_$target: ${execs:-?} executions in ${seconds}s, corpus ${corpus} inputs, no finding"
  else
    echo "fuzz_$target: FINDING (log follows)"
    tail -40 "$log"
    ls "$work"/$target-* 2>/dev/null && cp "$work"/$target-* . || true
    status=1
  fi
done
exit $status
