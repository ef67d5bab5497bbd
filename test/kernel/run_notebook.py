"""Execute a notebook with nbclient, as CI runs notebooks, and save it with its outputs.

Usage: /usr/bin/python3 run_notebook.py IN.ipynb OUT.ipynb KERNEL_NAME
The kernel's working directory is the notebook's folder. Errors are kept as outputs.
"""
import os
import sys

import nbformat
from nbclient import NotebookClient


def main(src, dst, kernel_name):
    nb = nbformat.read(src, as_version=4)
    folder = os.path.dirname(os.path.abspath(src))
    client = NotebookClient(
        nb,
        kernel_name=kernel_name,
        timeout=120,
        allow_errors=True,
        resources={"metadata": {"path": folder}},
    )
    client.execute()
    nbformat.write(nb, dst)
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
