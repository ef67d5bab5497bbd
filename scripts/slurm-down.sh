#!/usr/bin/env bash
# Stop the Slurm daemons named on the command line (munged, slurmctld, slurmd), by the PIDs in
# their PID files: the ones scripts/slurm-up.sh reported it started. Others are left running.
set -euo pipefail
for d in "$@"; do
  case "$d" in
    slurmd) f=/run/slurmd.pid ;;
    slurmctld) f=/run/slurmctld.pid ;;
    munged) f=/run/munge/munged.pid ;;
    *) echo "slurm-down.sh: unknown daemon $d" >&2; exit 2 ;;
  esac
  if [ -s "$f" ]; then
    pid=$(cat "$f")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
done
