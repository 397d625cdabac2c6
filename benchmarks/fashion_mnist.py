"""Fashion-MNIST on this computer's CPU: the guide's CNN beside two well-known recipes.

    python -m benchmarks.fashion_mnist           # the full benchmark: many minutes
    python -m benchmarks.fashion_mnist --smoke   # every model capped to a few steps

Each model trains in its own process, on the same data (keras.datasets), with
the TensorFlow backend and the same seed:

- keras-io "Simple MNIST convnet" (examples/vision/mnist_convnet.py): Conv2D 32,
  MaxPool, Conv2D 64, MaxPool, Flatten, Dropout 0.5, Dense 10; batch 128,
  15 epochs, validation_split 0.1;
- TensorFlow's beginner classifier (tutorials/keras/classification): Flatten,
  Dense 128, Dense 10; 10 epochs;
- the guide's CNN: the lesson examples/image_classification.py itself, up to its
  test accuracy (the ``evaluate`` section), run by the tool that makes the page's
  outputs (harness.outputs.execute), so the page and this table describe the
  same model.

It prints test accuracy, training time (the wall time of model.fit) and the
peak memory of each process side by side, and writes benchmark.json and
benchmark.md into docs/assets/generated/image_classification/ (with --smoke,
into --out, a temporary folder by default). The full run waits for the shared
CPU lock /tmp/kg-cpu.lock, so that nothing else disturbs its timings.
"""

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from harness import EXAMPLES, GENERATED
import harness.machine
from harness.lessons import example_env
from harness.pages import example_sections

EXAMPLE = EXAMPLES / "image_classification.py"
OUT = GENERATED / "image_classification"
LOCK = Path("/tmp/kg-cpu.lock")
# The sections of an example that decide what it trains: when they change, the
# benchmarks of it are stale (tests/test_cases.py, tests/test_choosing_a_backend.py).
TRAINING_SECTIONS = ("data", "scale", "model", "compile", "fit")

# One process per recipe: prints one JSON line with what it measured.
SETUP = """
import json, os, time
import numpy as np
import keras
keras.utils.set_random_seed(0)
if keras.config.backend() == "tensorflow":
    import tensorflow as tf
    tf.config.experimental.enable_op_determinism()
(x_train, y_train), (x_test, y_test) = keras.datasets.fashion_mnist.load_data()
"""

KERAS_IO = SETUP + """
x_train = np.expand_dims(x_train.astype("float32") / 255, -1)
x_test = np.expand_dims(x_test.astype("float32") / 255, -1)
y_train = keras.utils.to_categorical(y_train, 10)
y_test = keras.utils.to_categorical(y_test, 10)
model = keras.Sequential(
    [
        keras.Input(shape=(28, 28, 1)),
        keras.layers.Conv2D(32, kernel_size=(3, 3), activation="relu"),
        keras.layers.MaxPooling2D(pool_size=(2, 2)),
        keras.layers.Conv2D(64, kernel_size=(3, 3), activation="relu"),
        keras.layers.MaxPooling2D(pool_size=(2, 2)),
        keras.layers.Flatten(),
        keras.layers.Dropout(0.5),
        keras.layers.Dense(10, activation="softmax"),
    ]
)
model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
started = time.perf_counter()
history = model.fit(x_train, y_train, batch_size=128, epochs=15, validation_split=0.1, verbose=0)
seconds = time.perf_counter() - started
loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
print(json.dumps({"epochs": len(history.history["loss"]), "training_seconds": seconds,
                  "test_accuracy": accuracy, "parameters": model.count_params()}))
"""

TF_BEGINNER = SETUP + """
x_train = x_train / 255.0
x_test = x_test / 255.0
model = keras.Sequential(
    [
        keras.Input(shape=(28, 28)),
        keras.layers.Flatten(),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dense(10),
    ]
)
model.compile(
    optimizer="adam",
    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    metrics=["accuracy"],
)
started = time.perf_counter()
history = model.fit(x_train, y_train, epochs=10, verbose=0)
seconds = time.perf_counter() - started
loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
print(json.dumps({"epochs": len(history.history["loss"]), "training_seconds": seconds,
                  "test_accuracy": accuracy, "parameters": model.count_params()}))
"""

MODELS = [
    ("keras_io", "keras-io Simple MNIST convnet"),
    ("tf_beginner", "TensorFlow beginner classifier"),
    ("guide_cnn", "this guide's CNN (examples/image_classification.py)"),
]


def run_measured(argv, cwd, env):
    """Run a process; return (its stdout, its peak resident memory in MB)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        process = subprocess.Popen(argv, cwd=cwd, env=env, stdout=out, stderr=err, text=True)
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, argv))} failed ({process.returncode}):\n{stderr[-3000:]}")
    return stdout, round(usage.ru_maxrss / 1024)  # Linux reports kilobytes


def measure(key, workdir, smoke):
    if key == "guide_cnn":
        from harness.outputs import execute

        # The lesson up to its test accuracy: what it trains, nothing after.
        run = execute(EXAMPLE.stem, "tensorflow", smoke=smoke, workdir=Path(workdir), until="evaluate",
                      keys=("epochs", "parameters", "test_accuracy"))
        results, peak = run["results"], run["peak_memory_mb"]
    else:
        code = KERAS_IO if key == "keras_io" else TF_BEGINNER
        env = example_env("tensorflow", Path(workdir), smoke=smoke)
        stdout, peak = run_measured([sys.executable, "-c", code], workdir, env)
        results = json.loads(stdout.strip().splitlines()[-1])
    return {
        "test_accuracy": round(results["test_accuracy"], 4),
        "training_seconds": round(results["training_seconds"], 1),
        "epochs": results["epochs"],
        "parameters": results["parameters"],
        "peak_memory_mb": peak,
    }


def training_code_digest(example=EXAMPLE):
    """SHA-256 of an example's sections that decide what it trains."""
    found = example_sections(example)
    text = "".join(found.get(name, "") for name in TRAINING_SECTIONS)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def machine(smoke):
    """What every report starts with: when, on what, and whether it was a smoke run."""
    return {**harness.machine.machine(), "smoke": smoke}


def table(report):
    lines = [
        "| model | parameters | epochs | test accuracy | training time (s) | peak memory (MB) |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for key, title in MODELS:
        m = report["models"][key]
        lines.append(
            f"| {title} | {m['parameters']:,} | {m['epochs']} | {m['test_accuracy']:.4f} "
            f"| {m['training_seconds']:.1f} | {m['peak_memory_mb']} |"
        )
    return "\n".join(lines) + "\n"


def under_lock(smoke):
    """Hold /tmp/kg-cpu.lock for a full run, unless `flock` already holds it for us."""
    if smoke or not Path("/proc").is_dir():
        return None
    pid = os.getppid()
    while pid > 1:
        try:
            args = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            pid = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            break
        if args and args[0].endswith(b"flock") and str(LOCK).encode() in args:
            return None
    import fcntl

    handle = open(LOCK, "a")
    print(f"waiting for {LOCK} ...", flush=True)
    fcntl.flock(handle, fcntl.LOCK_EX)
    return handle


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="cap every fit() to a few steps (for the tests)")
    parser.add_argument("--out", type=Path, help="where to write benchmark.json and benchmark.md")
    args = parser.parse_args(argv)
    out = args.out or (Path(tempfile.mkdtemp(prefix="benchmark-")) if args.smoke else OUT)

    lock = under_lock(args.smoke)
    report = {
        **machine(args.smoke),
        "backend": "tensorflow",
        "example_training_code_sha256": training_code_digest(),
        "models": {},
    }
    started = time.time()
    try:
        for key, title in MODELS:
            with tempfile.TemporaryDirectory(prefix=f"benchmark-{key}-") as workdir:
                report["models"][key] = measure(key, workdir, args.smoke)
            m = report["models"][key]
            print(f"{title}: test accuracy {m['test_accuracy']:.4f}, training {m['training_seconds']:.1f} s, "
                  f"peak memory {m['peak_memory_mb']} MB", flush=True)
    finally:
        if lock is not None:
            lock.close()
    report["seconds"] = round(time.time() - started, 1)
    ours, recipe = report["models"]["guide_cnn"], report["models"]["keras_io"]
    report["guide_cnn_time_vs_keras_io_percent"] = round(ours["training_seconds"] / recipe["training_seconds"] * 100)
    report["guide_cnn_accuracy_gain_over_keras_io"] = round(ours["test_accuracy"] - recipe["test_accuracy"], 4)

    write_report(out, report, table(report))
    return 0


def write_report(out, report, markdown, note=""):
    """benchmark.json and benchmark.md in ``out`` (pages quote them), and the table on screen."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "benchmark.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    (out / "benchmark.md").write_text(markdown, encoding="utf-8")
    print()
    print(markdown, end="")
    print(f"\nwrote {out / 'benchmark.json'} and {out / 'benchmark.md'}{note}")


if __name__ == "__main__":
    sys.exit(main())
