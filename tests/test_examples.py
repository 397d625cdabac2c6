"""Run every example as a reader would, under every Keras backend.

``python examples/<stem>.py`` runs in its own process (Keras fixes its backend
at the first import), in smoke mode: Keras itself caps every ``fit()`` with
KERAS_MAX_EPOCHS and KERAS_MAX_STEPS_PER_EPOCH. A line ``# -> text`` under a
statement that prints is the output the page promises; it must appear, as a
whole line and in file order, in what the run printed.
"""

import os
import re
import signal
import subprocess
import sys

import pytest

from docblocks import ROOT, examples
from harness import BACKENDS, example_env

EXPECTED = re.compile(r"^\s*# -> (?P<text>.*)$")
# An example written for some backends only says so near its top:
#   # Keras backends: tensorflow
ONLY_BACKENDS = re.compile(r"^# Keras backends: (?P<names>[a-z, ]+)$", re.M)
TIMEOUT = 300


def expected_lines(path):
    return [
        (number, m["text"])
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if (m := EXPECTED.match(line))
    ]


def check_expected(path, stdout):
    """Each ``# ->`` line must match a later stdout line than the one before."""
    lines = [line.rstrip() for line in stdout.splitlines()]
    position = 0
    for number, text in expected_lines(path):
        try:
            position = lines.index(text.rstrip(), position) + 1
        except ValueError:
            shown = "\n".join(lines[position:][:40])
            pytest.fail(
                f"{path.name}:{number} promises the output line {text!r}, "
                f"but the run printed (from there on):\n{shown}"
            )


def backends_of(path):
    """Every backend, unless the example names its own."""
    match = ONLY_BACKENDS.search(path.read_text(encoding="utf-8")[:2000])
    if not match:
        return BACKENDS
    names = tuple(n.strip() for n in match["names"].split(","))
    unknown = set(names) - set(BACKENDS)
    assert not unknown, f"{path.name} names unknown backends {unknown}"
    return names


@pytest.mark.parametrize(
    "example, backend",
    [
        pytest.param(path, backend, id=f"{path.stem}-{backend}")
        for path in examples()
        for backend in backends_of(path)
    ],
)
def test_example_runs(example, backend, tmp_path):
    # Its own process group: on a time-out, the example and any process it
    # started (a worker, a kernel) are stopped together.
    process = subprocess.Popen(
        [sys.executable, str(example)],
        cwd=tmp_path,  # figures and results land here, never in the repository
        env=example_env(backend, tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        stdout, stderr = process.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        stdout, stderr = process.communicate()
        pytest.fail(f"python {example.relative_to(ROOT)} (KERAS_BACKEND={backend}) ran past {TIMEOUT} s\n{stderr[-3000:]}")
    result = subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)
    if result.returncode != 0:
        pytest.fail(
            f"python {example.relative_to(ROOT)} (KERAS_BACKEND={backend}) exited with "
            f"{result.returncode}\n--- stdout ---\n{result.stdout[-3000:]}\n"
            f"--- stderr ---\n{result.stderr[-5000:]}"
        )
    check_expected(example, result.stdout)


def test_expected_output_check_can_fail(tmp_path):
    """The ``# ->`` check rejects a missing line and an out-of-order line."""
    example = tmp_path / "demo.py"
    example.write_text("print(1)\n# -> 1\nprint(2)\n# -> 2\n", encoding="utf-8")
    check_expected(example, "1\n2\n")
    with pytest.raises(pytest.fail.Exception, match="promises the output line '2'"):
        check_expected(example, "2\n1\n")
    with pytest.raises(pytest.fail.Exception, match="promises the output line '1'"):
        check_expected(example, "11\n2\n")


def test_an_example_may_name_its_backends(tmp_path):
    example = tmp_path / "demo.py"
    example.write_text('"""Doc."""\n# Keras backends: tensorflow, jax\nimport keras\n', encoding="utf-8")
    assert backends_of(example) == ("tensorflow", "jax")
    example.write_text('"""Doc."""\nimport keras\n', encoding="utf-8")
    assert backends_of(example) == BACKENDS
    example.write_text("# Keras backends: theano\n", encoding="utf-8")
    with pytest.raises(AssertionError, match="unknown backends"):
        backends_of(example)
