"""The tools that run a lesson as a reader would (harness.lessons), checked
against lessons made up for the purpose; tests/test_reader_road.py runs the
real ones."""

import os
import re
import time

import pytest

from harness.lessons import (BACKENDS, IMPORTS_TENSORFLOW, ONE_BACKEND, backends_of, check_expected, check_stops,
                             environment, example_env, made_once, processes_of, run, run_lesson, run_processes,
                             stops_under)
from harness.pages import examples


def test_expected_output_check_can_fail(tmp_path):
    """The ``# ->`` check rejects a missing line and an out-of-order line."""
    example = tmp_path / "demo.py"
    example.write_text("print(1)\n# -> 1\nprint(2)\n# -> 2\n", encoding="utf-8")
    check_expected(example, "1\n2\n")
    with pytest.raises(AssertionError, match="promises the output line '2'"):
        check_expected(example, "2\n1\n")
    with pytest.raises(AssertionError, match="promises the output line '1'"):
        check_expected(example, "11\n2\n")


def test_an_example_may_name_its_backends(tmp_path):
    example = tmp_path / "demo.py"
    example.write_text('"""Doc."""\n# Keras backends: tensorflow, jax\nimport keras\n', encoding="utf-8")
    assert backends_of(example) == ("tensorflow", "jax")
    example.write_text('"""Doc."""\nimport keras\n', encoding="utf-8")
    assert backends_of(example) == BACKENDS
    assert processes_of(example) == 1
    example.write_text('"""Doc."""\n# Keras backends: jax\n# Keras processes: 2\nimport keras\n', encoding="utf-8")
    assert backends_of(example) == ("jax",) and processes_of(example) == 2
    assert stops_under(example) == ()
    example.write_text('"""Doc."""\n# Keras stops under: jax\nimport sys\nsys.exit("no JAX here")\n', encoding="utf-8")
    assert stops_under(example) == ("jax",) and backends_of(example) == BACKENDS
    with pytest.raises(AssertionError) as stopped:
        run_lesson(example, "jax", tmp_path)
    check_stops(example, "jax", stopped.value)
    # A crash is no clean stop, nor is a message that does not name the backend.
    for crash, refused in (("1 / 0", "did not stop cleanly"), ('import sys; sys.exit("no")', "without naming")):
        example.write_text(f"{crash}\n", encoding="utf-8")
        with pytest.raises(AssertionError) as stopped:
            run_lesson(example, "jax", tmp_path)
        with pytest.raises(AssertionError, match=refused):
            check_stops(example, "jax", stopped.value)
    example.write_text("# Keras backends: theano\n", encoding="utf-8")
    with pytest.raises(AssertionError, match="unknown backends"):
        backends_of(example)


# What belongs to the tools that run a lesson, never to the lesson a reader
# copies: checks, timers, saved figures and results, launchers.
BOOKKEEPING = re.compile(r"^\s*assert\b|savefig\(|results\.json|perf_counter\(|\bsubprocess\b|^import time$", re.M)


@pytest.mark.parametrize("example", examples(), ids=lambda p: p.stem)
def test_the_lesson_carries_no_bookkeeping(example):
    found = [m[0].strip() for m in BOOKKEEPING.finditer(example.read_text(encoding="utf-8"))]
    assert not found, f"examples/{example.name} holds bookkeeping (harness.outputs and the tests do that): {found}"


def test_a_lost_process_stops_the_cluster_at_once(tmp_path):
    """When one process of a cluster fails, the test fails with its error at
    once; the others, which would wait for it, are stopped."""
    example = tmp_path / "demo.py"
    example.write_text("import os, sys, time\n"
                       "if os.environ['KERAS_DISTRIBUTION_PROCESS_ID'] == '1':\n"
                       "    sys.exit('process 1 lost')\n"
                       "time.sleep(120)\n", encoding="utf-8")
    started = time.monotonic()
    with pytest.raises(AssertionError, match="process 1 lost"):
        run_processes(example, "jax", tmp_path, 2)
    assert time.monotonic() - started < 30



def test_a_lesson_runs_with_its_backend_only(tmp_path):
    """As on a computer where only the lesson's backend is installed (TensorFlow
    has no installer on some): a lesson finds no other backend and cannot
    import one; a lesson that imports TensorFlow itself (tf.data, say) gets it."""
    example = tmp_path / "demo.py"
    example.write_text('import importlib, importlib.util\nprint(importlib.util.find_spec("tensorflow"), '
                       'importlib.util.find_spec("jax"))\nimportlib.import_module("tensorflow")\n', encoding="utf-8")
    with pytest.raises(AssertionError, match=r"(?s)--- stdout ---\nNone None\n.*ModuleNotFoundError"):
        run_lesson(example, "torch", tmp_path)
    blocker = str(ONE_BACKEND)
    hidden = {backend: example_env(backend, tmp_path)["KERAS_GUIDE_HIDDEN"] for backend in BACKENDS}
    assert hidden == {"tensorflow": "jax,torch", "jax": "tensorflow,torch", "torch": "tensorflow,jax"}
    assert example_env("jax", tmp_path, needs_tensorflow=True)["KERAS_GUIDE_HIDDEN"] == "torch"
    assert blocker in example_env("jax", tmp_path)["PYTHONPATH"].split(os.pathsep)
    assert IMPORTS_TENSORFLOW.search("import numpy\nimport tensorflow as tf\n")
    assert not IMPORTS_TENSORFLOW.search("import tensorflow_datasets\n# import tensorflow? no\n")


def test_a_lesson_cannot_reach_another_host(tmp_path):
    """Every lesson run is offline (harness.lessons.OFFLINE), so the
    Fashion-MNIST lesson passing under each backend proves that load_data()
    read the cache and downloaded nothing."""
    example = tmp_path / "demo.py"
    example.write_text('import urllib.request\nurllib.request.urlopen("https://storage.googleapis.com/", timeout=30)\n',
                       encoding="utf-8")
    with pytest.raises(AssertionError, match="Connection refused"):
        run_lesson(example, "jax", tmp_path)


def test_something_is_made_once_and_a_failure_is_remembered(tmp_path):
    """made_once: the second asker reuses the folder; after a failed make,
    every asker fails at once with its message, and nothing makes it again."""
    made = []

    def make(folder):
        made.append(folder)
        (folder / "made.txt").write_text("yes")

    assert made_once(tmp_path / "thing", make) == tmp_path / "thing"
    assert made_once(tmp_path / "thing", make).joinpath("made.txt").read_text() == "yes"
    assert len(made) == 1

    def fail(folder):
        made.append(folder)
        raise AssertionError("the install stopped")

    for _ in range(2):
        with pytest.raises(AssertionError, match="the install stopped"):
            made_once(tmp_path / "broken", fail)
    assert len(made) == 2


def test_the_environment_is_the_readers_and_a_failed_command_says_what_it_printed(monkeypatch):
    monkeypatch.setenv("KERAS_BACKEND", "jax")
    monkeypatch.setenv("PIP_INDEX_URL", "https://example.invalid/simple")
    assert "KERAS_BACKEND" not in environment() and environment(KERAS_BACKEND="torch")["KERAS_BACKEND"] == "torch"
    assert environment()["PIP_INDEX_URL"] == "https://example.invalid/simple"
    assert "PIP_INDEX_URL" not in environment(pip_settings=False)
    assert run(["sh", "-c", "echo out; echo err >&2; exit 3"]).returncode == 3
    with pytest.raises(AssertionError, match=r"failed \(3\):\nout\nerr"):
        run(["sh", "-c", "echo out; echo err >&2; exit 3"], check=True)
