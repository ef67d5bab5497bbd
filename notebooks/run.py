"""Run notebooks top to bottom with nbclient and the CBRAM Lab kernel.

Usage: /usr/bin/python3 notebooks/run.py [--quick] [--out DIR] [--timeout S] [NAME ...]

- default: every notebooks/*.ipynb, in full mode, saving the outputs in place (what is committed);
- --quick: sets CBRAM_QUICK=1 (small real-MNIST subsets, the CI mode);
- --out DIR: write the executed copies to DIR instead (the committed files stay untouched).

The kernel's working directory is notebooks/, so `cbram-lab` resolves through
notebooks/node_modules (scripts/setup.sh links it) and `./lib/mode` and `./data/...` resolve.
The kernelspec `cbram-lab` must be on the Jupyter path (`npx cbram-lab kernel install`, or
JUPYTER_PATH pointing at a `--prefix` install). Stops at the first cell error, exit status 1.
"""
import os
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

HERE = os.path.dirname(os.path.abspath(__file__))


def run(name, quick, out_dir, timeout):
    src = os.path.join(HERE, name + ".ipynb")
    nb = nbformat.read(src, as_version=4)
    if quick:
        os.environ["CBRAM_QUICK"] = "1"
    else:
        os.environ.pop("CBRAM_QUICK", None)
    client = NotebookClient(
        nb,
        kernel_name="cbram-lab",
        timeout=timeout,
        allow_errors=False,
        resources={"metadata": {"path": HERE}},
    )
    t0 = time.time()
    ok = True
    try:
        client.execute()
    except CellExecutionError as e:
        ok = False
        print(f"{name}: FAILED\n{e}", file=sys.stderr)
    dt = time.time() - t0
    dst = os.path.join(out_dir, name + ".ipynb") if out_dir else src
    nbformat.write(nb, dst)
    size = os.path.getsize(dst)
    print(f"{name}: {'ok' if ok else 'FAILED'} in {dt:.1f} s ({'quick' if quick else 'full'}), {size / 1e6:.2f} MB -> {dst}", flush=True)
    return ok


def main(argv):
    quick, out_dir, timeout, names = False, None, 3600, []
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "--quick":
            quick = True
        elif a == "--out":
            i += 1
            out_dir = argv[i]
            os.makedirs(out_dir, exist_ok=True)
        elif a == "--timeout":
            i += 1
            timeout = int(argv[i])
        else:
            names.append(a[: -len(".ipynb")] if a.endswith(".ipynb") else a)
        i += 1
    if not names:
        names = sorted(n[: -len(".ipynb")] for n in os.listdir(HERE) if n.endswith(".ipynb"))
    ok = True
    for n in names:
        ok = run(n, quick, out_dir, timeout) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
