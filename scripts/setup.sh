#!/usr/bin/env bash
# One-time setup used by the README's commands and by CI: npm dependencies and the build.
# Idempotent: re-running it is cheap.
set -euo pipefail
cd "$(dirname "$0")/.."
# Debian packages: Jupyter for the kernel and notebook tests (jupyter_kernel_test, nbclient,
# nbconvert), jupyter_server and jupyterlab_server for npm start, and Chromium for the browser
# tests. As root on Debian/Ubuntu, and only those missing. Elsewhere the tests that need them are
# skipped with a reason, and npm start prints the command to install the server (docs/lab.md).
JUPYTER_DEBS="python3-jupyter-kernel-test python3-nbclient python3-ipykernel jupyter-nbconvert jupyter-core python3-jupyter-server python3-jupyterlab-server chromium fonts-liberation"
if command -v apt-get >/dev/null 2>&1 && command -v dpkg-query >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  missing=""
  for p in $JUPYTER_DEBS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
  done
  if [ -n "$missing" ]; then
    apt-get update -qq
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
  fi
fi
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
npm run build --silent
# The JupyterLab front end with the CBRAM Lab extension (extension/: its own npm packages), built
# once and rebuilt only when its inputs change.
node dist/cli/main.js lab --build-only
# Notebooks in notebooks/ import the library by name ('cbram-lab', 'cbram-lab/kernel'): link it
# there (npm never touches that folder; Node resolves it for every notebook below notebooks/).
mkdir -p notebooks/node_modules
ln -sfn ../.. notebooks/node_modules/cbram-lab
