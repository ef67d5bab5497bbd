#!/usr/bin/env bash
# Setup for `npm run bench` only (not for the tests): Debian's numpy for the peer in
# ../shared/peers, with OpenBLAS rather than the reference BLAS it otherwise falls back to
# (libblas3, about 2× slower: an unfair peer), threadpoolctl to report which BLAS numpy loaded,
# and torch for the torch peer. As root on Debian/Ubuntu, and only the missing packages; elsewhere
# the benchmark runs the peers it can and says which BLAS they used (and refuses to print a
# speed-up against a reference-BLAS numpy). Idempotent. Set CBRAM_BENCH_NO_TORCH=1 to skip torch
# (a large download).
set -euo pipefail
DEBS="python3-numpy libopenblas0-pthread python3-threadpoolctl"
if [ "${CBRAM_BENCH_NO_TORCH:-0}" != 1 ]; then DEBS="$DEBS python3-torch"; fi
if command -v apt-get >/dev/null 2>&1 && command -v dpkg-query >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  missing=""
  for p in $DEBS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
  done
  if [ -n "$missing" ]; then
    echo "setup-bench: installing$missing" >&2
    apt-get update -qq
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
  fi
else
  echo "setup-bench: not root on Debian; install$DEBS yourself for a fair peer" >&2
fi
