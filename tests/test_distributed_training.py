"""Deeper checks for the page on training with several devices and machines.

tests/test_reader_road.py runs the three examples (two devices; two processes)
and their ``# ->`` lines. Here: what the page says around them.
"""

import json
import re
import subprocess
import sys
from importlib import metadata


import pytest

from harness.pages import DOCS, EXAMPLES, LANGUAGES, ROOT, example_sections
from harness.lessons import example_env, processes_of, run
from harness.site import free_port
from shell import Commands, commands, on_its_page

STEM = "distributed_training"
SINGLE_MACHINE = [EXAMPLES / f"{STEM}_tensorflow.py", EXAMPLES / f"{STEM}_jax.py"]
MULTI_PROCESS = EXAMPLES / f"{STEM}_multi_process.py"
TOLERANCE = re.compile(r"print\(difference < (?P<value>[0-9.e-]+)\)")


def section_text(path, name):
    return example_sections(path)[name]


def test_the_examples_train_the_same_model_on_the_same_data():
    """The page shows the data and the model once and says the others are the same."""
    tensorflow, jax = SINGLE_MACHINE
    data, model = section_text(tensorflow, "data"), section_text(tensorflow, "model")
    assert data in jax.read_text(encoding="utf-8"), f"{jax.name} has other data"
    for path in (jax, MULTI_PROCESS):
        assert model in path.read_text(encoding="utf-8"), f"{path.name} has another model"
    # The multi-process example batches a dataset instead, from the same arrays.
    multi_process_data = section_text(MULTI_PROCESS, "data").splitlines()
    for line in data.splitlines():
        assert line in multi_process_data, f"{MULTI_PROCESS.name} lacks {line!r}"


def test_pages_state_the_tolerance_the_examples_check():
    values = {
        path.name: TOLERANCE.search(section_text(path, "compare"))["value"]
        for path in [*SINGLE_MACHINE, MULTI_PROCESS]
    }
    assert len(set(values.values())) == 1, f"the examples check different tolerances: {values}"
    tolerance = values[MULTI_PROCESS.name]
    for language in LANGUAGES:
        page = (DOCS / language / f"{STEM}.md").read_text(encoding="utf-8")
        assert f"`{tolerance}`" in page, f"docs/{language}/{STEM}.md does not state the tolerance `{tolerance}`"


def test_the_jax_example_runs_on_one_device(tmp_path):
    """A reader with one GPU who follows the page gets one device. Data
    parallelism over one device is ordinary training, and the page says what
    they see: the example must run to the end (it used to assert two devices).
    One CPU device stands in for the one GPU."""
    source = SINGLE_MACHINE[1].read_text(encoding="utf-8")
    two = 'os.environ["JAX_NUM_CPU_DEVICES"] = "2"'
    assert two in source
    script = tmp_path / "one_device.py"
    script.write_text(source.replace(two, two.replace('"2"', '"1"')), encoding="utf-8")
    result = run([sys.executable, str(script)], cwd=tmp_path, env=example_env("jax", tmp_path))
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    printed = [line.strip() for line in result.stdout.splitlines()]
    for shown in ("['cpu:0']", "(1,)", "64", "True"):
        assert shown in printed, f"one device: {shown} not printed:\n{result.stdout[-2000:]}"
    for language in LANGUAGES:
        page = (DOCS / language / f"{STEM}.md").read_text(encoding="utf-8")
        for shown in ("`(1,)`", "`64`", "`True`"):
            assert shown in page, f"docs/{language}/{STEM}.md does not say what one device prints: {shown}"


TORCH_FACTS = """
import keras, torch
model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(1)])
print("module", isinstance(model, torch.nn.Module))
try:
    keras.distribution.list_devices()
    print("distribution supported")
except AttributeError:
    print("distribution unsupported")
"""


def test_what_the_page_says_of_pytorch_holds(tmp_path):
    """keras.distribution has no PyTorch backend in this Keras, but a Keras
    model is a torch.nn.Module there, which DistributedDataParallel can wrap.
    When Keras adds the backend, this fails: update the page's table."""
    result = run([sys.executable, "-c", TORCH_FACTS], cwd=tmp_path, env=example_env("torch", tmp_path))
    assert result.returncode == 0, result.stderr[-3000:]
    lines = result.stdout.splitlines()
    assert "module True" in lines, result.stdout
    assert "distribution unsupported" in lines, (
        f"keras.distribution now works with PyTorch in Keras {metadata.version('keras')}: update the page")
    for language in LANGUAGES:
        page = (DOCS / language / f"{STEM}.md").read_text(encoding="utf-8")
        assert f"Keras {metadata.version('keras')}" in page, f"docs/{language}/{STEM}.md names another Keras"
        assert "https://keras.io/guides/distributed_training_with_torch/" in page, language


# --- several machines ------------------------------------------------------


WORKER = """
import os
os.environ["KERAS_BACKEND"] = "tensorflow"
import numpy as np
import tensorflow as tf
import keras

strategy = tf.distribute.MultiWorkerMirroredStrategy()
assert strategy.num_replicas_in_sync == 2, strategy.num_replicas_in_sync
x = np.random.default_rng(0).normal(size=(64, 4)).astype("float32")
with strategy.scope():
    model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(x, x[:, :1], batch_size=32, epochs=1, verbose=0)
print("trained")
"""

KNOWN_FAILURE = "Attempt to convert a value (PerReplica"


def test_multi_worker_mirrored_strategy_still_fails_in_fit(tmp_path):
    """The page says that Keras 3.15.1's fit() fails under MultiWorkerMirroredStrategy
    once there are two workers (keras-team/keras#20585). When this test fails,
    Keras has fixed it: show it on the page, and turn this into an example."""
    script = tmp_path / "worker.py"
    script.write_text(WORKER, encoding="utf-8")
    cluster = [f"127.0.0.1:{free_port()}", f"127.0.0.1:{free_port()}"]
    workers = []
    for index in range(2):
        tf_config = {"cluster": {"worker": cluster}, "task": {"type": "worker", "index": index}}
        env = example_env("tensorflow", tmp_path, TF_CONFIG=json.dumps(tf_config))
        workers.append(
            subprocess.Popen(
                [sys.executable, str(script)], cwd=tmp_path, env=env,
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            )
        )
    outputs = []
    try:
        for worker in workers:
            outputs.append(worker.communicate(timeout=180))
    finally:
        for worker in workers:
            worker.kill()
            worker.wait()
    for worker, (stdout, stderr) in zip(workers, outputs):
        assert "trained" not in stdout, (
            "MultiWorkerMirroredStrategy now trains with Keras "
            f"{metadata.version('keras')}: update the page's section on it"
        )
        assert worker.returncode != 0 and KNOWN_FAILURE in stderr, stderr[-3000:]


ONE_PROCESS = re.compile(
    r"KERAS_DISTRIBUTION_JOB_ADDRESSES=(?P<host>127\.0\.0\.1):(?P<port>\d+) "
    r"KERAS_DISTRIBUTION_NUM_PROCESSES=(?P<count>\d+) "
    r"KERAS_DISTRIBUTION_PROCESS_ID=(?P<id>\d+) "
    r"python3? (?P<script>examples/[a-z0-9_]+\.py)"
)


@pytest.mark.parametrize("twins", commands(ONE_PROCESS.pattern))
def test_the_commands_of_one_cluster_agree(twins: Commands):
    """A reader runs these commands at once, one per terminal: all of them on
    one page are one cluster on 127.0.0.1. tests/test_reader_road.py runs the
    example exactly so (harness.lessons.run_processes: the same variables, a
    free port, as many processes as the example says); here, the page's
    commands must form that cluster."""
    for cmd in twins:
        found = [ONE_PROCESS.fullmatch(c.text) for c in on_its_page(cmd, ONE_PROCESS.pattern)]
        assert len({(m["port"], m["count"], m["script"]) for m in found}) == 1, (
            f"{cmd.where}: the page's commands disagree on the address, the count or the script"
        )
        count, script = int(found[0]["count"]), ROOT / found[0]["script"]
        assert sorted(int(m["id"]) for m in found) == list(range(count)), (
            f"{cmd.where}: the page must show process ids 0..{count - 1}, once each"
        )
        assert script.is_file(), f"{cmd.where}: {found[0]['script']} does not exist"
        assert processes_of(script) == count, (
            f"{cmd.where}: the page runs {count} processes; {script.name} says '# Keras processes: "
            f"{processes_of(script)}', and that is how many the tests run"
        )
