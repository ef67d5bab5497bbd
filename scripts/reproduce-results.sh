#!/usr/bin/env bash
# Full reproductions behind the README's results table: 60,000 images x 3 epochs, 500 outputs,
# the full 10,000-image test set, two runs at a time. Not a CI test (about an hour on 2 cores).
# Usage: bash scripts/reproduce-results.sh [run-name ...]   (default: all)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
mkdir -p results
declare -A RUNS=(
  [paper-ideal]="--rule ideal"
  [paper-device]="--rule device"
  [paper-ideal-seed1]="--rule ideal --seed 1"
  [paper-device-seed1]="--rule device --seed 1"
  [soft-25]="--prune 25 --prune-mode soft"
  [soft-50]="--prune 50 --prune-mode soft"
  [soft-75]="--prune 75 --prune-mode soft"
  [hard-25]="--prune 25 --prune-mode hard"
  [hard-50]="--prune 50 --prune-mode hard"
  [hard-75]="--prune 75 --prune-mode hard"
  [soft-75-m1500]="--prune 75 --prune-mode soft --mature 1500"
  [soft-75-m3000]="--prune 75 --prune-mode soft --mature 3000"
  [soft-75-m5000]="--prune 75 --prune-mode soft --mature 5000"
  [hard-75-m3000]="--prune 75 --prune-mode hard --mature 3000"
  [soft-75-sat-m600]="--prune 75 --prune-select saturated --recheck 100 --mature 600"
  [soft-75-sat-m1500]="--prune 75 --prune-select saturated --recheck 100 --mature 1500"
  [soft-75-sat-m1500-d4000]="--prune 75 --prune-select saturated --recheck 100 --mature 1500 --deadline 4000"
  [soft-75-sat-m1500-d5500]="--prune 75 --prune-select saturated --recheck 100 --mature 1500 --deadline 5500"
)
names=("$@")
[ ${#names[@]} -gt 0 ] || names=(paper-ideal paper-device paper-ideal-seed1 paper-device-seed1 soft-25 hard-25 soft-50 hard-50 soft-75 hard-75 soft-75-sat-m1500 soft-75-sat-m1500-d4000 soft-75-m1500 soft-75-m5000)
run() {
  local name=$1
  # A rerun starts over (reproduce refuses to overwrite a folder that holds a run).
  rm -rf "results/$name"
  # shellcheck disable=SC2086
  node dist/cli/main.js reproduce --quiet --eval-final-only --out "results/$name" ${RUNS[$name]} >"results/$name.log" 2>&1
  echo "$name: $(tail -n 1 "results/$name.log")"
}
for ((i = 0; i < ${#names[@]}; i += 2)); do
  run "${names[$i]}" &
  if [ $((i + 1)) -lt ${#names[@]} ]; then run "${names[$((i + 1))]}" & fi
  wait
done
node dist/scripts/results-table.js results | tee results/table.md
