"""Run cells in a Jupyter kernel and print, as JSON, every output each cell published.

Usage: /usr/bin/python3 deno_outputs.py KERNEL_NAME CELLS.json
CELLS.json is a list of source strings; the kernel's working directory is the current one,
and its stdout is discarded so that this script's stdout is the JSON alone.

Unlike nbclient, which stops reading a cell's outputs at its `status: idle`, this waits for the
cell's `execute_result` (or error) even when it arrives after the idle status: Deno's kernel
(2.9) publishes `execute_result` from JavaScript, asynchronously, and on a loaded machine it can
reach the client after the idle status. Each cell's record says whether that happened.
"""
import json
import subprocess
import sys
import time

from jupyter_client.manager import start_new_kernel

DEADLINE_S = 60


def run_cell(kc, source):
    msg_id = kc.execute(source)
    reply = kc.get_shell_msg(timeout=DEADLINE_S)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = kc.get_shell_msg(timeout=DEADLINE_S)
    outputs, idle, late = [], False, False
    done = lambda: idle and (reply["content"]["status"] != "ok" or any(
        o["output_type"] == "execute_result" for o in outputs))
    end = time.monotonic() + DEADLINE_S
    while not done():
        msg = kc.get_iopub_msg(timeout=max(0.1, end - time.monotonic()))
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        kind = msg["msg_type"]
        if kind == "status":
            idle = idle or msg["content"]["execution_state"] == "idle"
        elif kind in ("execute_result", "display_data", "stream", "error"):
            late = late or idle
            outputs.append({"output_type": kind, **msg["content"]})
    return {"status": reply["content"]["status"], "outputs": outputs, "after_idle": late}


def main(kernel_name, cells_path):
    with open(cells_path, encoding="utf8") as f:
        cells = json.load(f)
    km, kc = start_new_kernel(
        kernel_name=kernel_name, startup_timeout=DEADLINE_S, stdout=subprocess.DEVNULL)
    try:
        print(json.dumps([run_cell(kc, source) for source in cells]))
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
