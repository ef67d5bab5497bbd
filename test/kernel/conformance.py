"""Debian's jupyter_kernel_test suite against the CBRAM Lab kernel.

Run by conformance.test.ts:  /usr/bin/python3 conformance.py REPORT.json
with JUPYTER_DATA_DIR holding the kernelspec and the working directory a project in which
'cbram-lab' resolves. Writes each test's (and subtest's) outcome to REPORT.json.

Left out: test_pager. Pager payloads are IPython's `?` help; a TypeScript kernel has no such
syntax, and the same help is served by inspect_request (test_inspect).
"""
import json
import sys
import unittest

import jupyter_kernel_test as jkt


class CbramLabKernelTests(jkt.KernelTests):
    kernel_name = "cbram-lab"
    language_name = "typescript"
    file_extension = ".ts"

    code_hello_world = "console.log('hello, world')"
    code_stderr = "console.error('some error')"
    code_execute_result = [
        {"code": "6 * 7", "result": "42"},
        {"code": "'cbram' + '-' + 'lab'", "result": "'cbram-lab'"},
        {"code": "[1, 2, 3].map((x) => x * 2)", "result": "[ 2, 4, 6 ]"},
    ]
    code_display_data = [
        {
            "code": "import { display } from 'cbram-lab/kernel';\ndisplay.html('<b>bold</b>')",
            "mime": "text/html",
        },
        {
            "code": "import { display } from 'cbram-lab/kernel';\n"
            "display.svg('<svg xmlns=\"http://www.w3.org/2000/svg\"/>')",
            "mime": "image/svg+xml",
        },
        {
            "code": "import { display } from 'cbram-lab/kernel';\n"
            "import { createCrossbar } from 'cbram-lab';\n"
            "display(createCrossbar({ rows: 4, cols: 3 }))",
            "mime": "application/vnd.cbram.crossbar.v1+json",
        },
    ]
    code_generate_error = "throw new Error('boom')"
    completion_samples = [{"text": "Math.ab", "matches": {"abs"}}]
    complete_code_samples = ["1 + 1", "const a = 1;", "function f() {}"]
    incomplete_code_samples = ["function f() {", "const a = ["]
    code_inspect_sample = "Math.abs"
    code_clear_output = "import { clearOutput } from 'cbram-lab/kernel';\nclearOutput()"
    code_history_pattern = "6 ? 7"
    supported_history_operations = ("tail", "range", "search")
    code_page_something = ""


class Recorder(unittest.TextTestResult):
    """Keeps every outcome, subtests included, for the JSON report."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.outcomes = {}

    def _put(self, test, outcome, detail=""):
        # 'test_history' or "test_history (hist_access_type='tail')"
        name = test.id().split(CbramLabKernelTests.__name__ + ".", 1)[-1]
        self.outcomes[name] = {"outcome": outcome, "detail": detail}

    def addSuccess(self, test):
        super().addSuccess(test)
        self._put(test, "pass")

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._put(test, "fail", self._exc_info_to_string(err, test))

    def addError(self, test, err):
        super().addError(test, err)
        self._put(test, "error", self._exc_info_to_string(err, test))

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        self._put(test, "skip", reason)

    def addSubTest(self, test, subtest, err):
        super().addSubTest(test, subtest, err)
        if err is None:
            self._put(subtest, "pass")
        elif issubclass(err[0], unittest.SkipTest):
            self._put(subtest, "skip", str(err[1]))
        else:
            self._put(subtest, "fail", self._exc_info_to_string(err, test))


def main(report):
    suite = unittest.defaultTestLoader.loadTestsFromTestCase(CbramLabKernelTests)
    runner = unittest.TextTestRunner(stream=sys.stderr, verbosity=2, resultclass=Recorder)
    result = runner.run(suite)
    with open(report, "w") as f:
        json.dump(result.outcomes, f, indent=1, sort_keys=True)
    return 0 if result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
