"""Build the notebooks from their sources: notebooks/source/NAME.cells -> notebooks/NAME.ipynb.

Usage: /usr/bin/python3 notebooks/build.py [NAME ...]   (default: every source)

A source is TypeScript in "percent" cells: a line `// %%` starts a code cell, a line
`// %% [markdown]` a markdown cell whose lines are written as `// text` (the `// ` is stripped).
Building keeps a cell's saved outputs when its source is unchanged (so fixing a typo in one
markdown cell does not throw away the figures of a full run); changed code cells lose theirs
until the notebook is run again (`notebooks/run.py`).
"""
import hashlib
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
META = {
    "kernelspec": {
        "name": "cbram-lab",
        "display_name": "CBRAM Lab (TypeScript)",
        "language": "typescript",
    },
    "language_info": {
        "name": "typescript",
        "file_extension": ".ts",
        "mimetype": "text/typescript",
        "codemirror_mode": {"name": "typescript", "typescript": True},
    },
}


def parse(text):
    cells = []
    kind, lines = None, []

    def flush():
        if kind is None:
            return
        while lines and not lines[-1].strip():
            lines.pop()
        while lines and not lines[0].strip():
            lines.pop(0)
        if kind == "markdown":
            body = []
            for ln in lines:
                if ln.startswith("// "):
                    body.append(ln[3:])
                elif ln.strip() == "//":
                    body.append("")
                else:
                    raise SystemExit(f"markdown line without '// ': {ln!r}")
            cells.append(("markdown", "\n".join(body)))
        else:
            cells.append(("code", "\n".join(lines)))

    for ln in text.split("\n"):
        if ln.strip() == "// %%":
            flush()
            kind, lines = "code", []
        elif ln.strip() == "// %% [markdown]":
            flush()
            kind, lines = "markdown", []
        elif kind is not None:
            lines.append(ln)
    flush()
    return cells


def cell_id(name, i, kind, src):
    return hashlib.sha1(f"{name}:{i}:{kind}:{src}".encode()).hexdigest()[:12]


def build(name):
    src_path = os.path.join(HERE, "source", name + ".cells")
    out_path = os.path.join(HERE, name + ".ipynb")
    with open(src_path, encoding="utf-8") as f:
        cells = parse(f.read())
    old = {}
    if os.path.exists(out_path):
        with open(out_path, encoding="utf-8") as f:
            for c in json.load(f)["cells"]:
                s = "".join(c["source"]) if isinstance(c["source"], list) else c["source"]
                if c["cell_type"] == "code":
                    old[s] = c
    nb_cells = []
    for i, (kind, src) in enumerate(cells):
        lines = src.split("\n")
        source = [ln + "\n" for ln in lines[:-1]] + [lines[-1]]
        cid = cell_id(name, i, kind, src)
        if kind == "markdown":
            nb_cells.append({"cell_type": "markdown", "id": cid, "metadata": {}, "source": source})
        else:
            prev = old.get(src)
            nb_cells.append(
                {
                    "cell_type": "code",
                    "execution_count": prev["execution_count"] if prev else None,
                    "id": cid,
                    "metadata": {},
                    "outputs": prev["outputs"] if prev else [],
                    "source": source,
                }
            )
    nb = {"cells": nb_cells, "metadata": META, "nbformat": 4, "nbformat_minor": 5}
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump(nb, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print(f"{name}.ipynb: {len(nb_cells)} cells")


def main(names):
    if not names:
        names = sorted(n[: -len(".cells")] for n in os.listdir(os.path.join(HERE, "source")) if n.endswith(".cells"))
    for n in names:
        build(n)


if __name__ == "__main__":
    main(sys.argv[1:])
