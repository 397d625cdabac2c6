"""Train one model in two processes, as on two machines: keras.distribution with JAX.

Run with no settings, this starts two copies of itself on this machine
(127.0.0.1) and waits for both. Run with the three KERAS_DISTRIBUTION_*
variables set, it is one of the processes.
"""

# Keras backends: jax
# Pages show excerpts of this file: the launcher above the sections runs them
# as two processes (see the page for the commands).

import os
import socket
import subprocess
import sys
import tempfile
import time

# How long the launcher waits for all processes (python ... --timeout SECONDS).
TIMEOUT_SECONDS = 240


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def launch(num_processes=2, timeout=TIMEOUT_SECONDS):
    """Start every process on 127.0.0.1; stop them all if one fails or hangs."""
    address = f"127.0.0.1:{free_port()}"
    workers = []
    for process_id in range(num_processes):
        env = dict(
            os.environ,
            KERAS_DISTRIBUTION_JOB_ADDRESSES=address,
            KERAS_DISTRIBUTION_NUM_PROCESSES=str(num_processes),
            KERAS_DISTRIBUTION_PROCESS_ID=str(process_id),
        )
        out, err = tempfile.TemporaryFile("w+"), tempfile.TemporaryFile("w+")
        command = [sys.executable, os.path.abspath(__file__)]
        workers.append((subprocess.Popen(command, env=env, stdout=out, stderr=err, text=True), out, err))
    deadline = time.monotonic() + timeout
    problem = None
    while problem is None and any(p.poll() is None for p, _, _ in workers):
        failed = [n for n, (p, _, _) in enumerate(workers) if p.poll() not in (None, 0)]
        if failed:
            problem = f"process {failed[0]} failed"
        elif time.monotonic() > deadline:
            problem = f"the processes did not finish within {timeout} s"
        else:
            time.sleep(0.2)
    for p, _, _ in workers:
        if p.poll() is None:
            p.kill()
        p.wait()
    if problem is None and any(p.returncode != 0 for p, _, _ in workers):
        problem = "a process failed"
    for n, (p, out, err) in enumerate(workers):
        out.seek(0)
        err.seek(0)
        print(out.read(), end="")
        if problem:
            print(f"--- process {n} (exit code {p.returncode}) ---", file=sys.stderr)
            print(err.read()[-3000:], file=sys.stderr)
    if problem:
        print(f"Stopped: {problem}.", file=sys.stderr)
    return 1 if problem else 0


if "KERAS_DISTRIBUTION_PROCESS_ID" not in os.environ:
    if "--timeout" in sys.argv:
        TIMEOUT_SECONDS = int(sys.argv[sys.argv.index("--timeout") + 1])
    sys.exit(launch(timeout=TIMEOUT_SECONDS))

# --8<-- [start:initialize]
import os

os.environ["KERAS_BACKEND"] = "jax"

import numpy as np
import jax
import tensorflow as tf
import keras

# Reads the three KERAS_DISTRIBUTION_* variables.
keras.distribution.initialize()
print(jax.process_count())
# -> 2
devices = keras.distribution.list_devices()
print(len(devices))
# -> 2
# --8<-- [end:initialize]

# --8<-- [start:data]
GLOBAL_BATCH_SIZE = 64
EPOCHS = 5

rng = np.random.default_rng(0)
x = rng.normal(size=(512, 20)).astype("float32")
y = np.argmax(x @ rng.normal(size=(20, 3)), axis=1)
STEPS_PER_EPOCH = len(x) // GLOBAL_BATCH_SIZE


def make_dataset():
    dataset = tf.data.Dataset.from_tensor_slices((x, y))
    # The same seed in every process: they must agree on the order.
    dataset = dataset.shuffle(len(x), seed=0)
    return dataset.batch(GLOBAL_BATCH_SIZE).repeat()
# --8<-- [end:data]


def make_model():
    model = keras.Sequential(
        [
            keras.Input(shape=(20,)),
            keras.layers.Dense(32, activation="relu"),
            keras.layers.Dense(3, activation="softmax"),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate=0.1),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


# --8<-- [start:fit]
distribution = keras.distribution.DataParallel(devices=devices)
keras.utils.set_random_seed(0)
with distribution.scope():
    model = make_model()
    model.fit(
        make_dataset(),
        steps_per_epoch=STEPS_PER_EPOCH,
        epochs=EPOCHS,
        verbose=2,
    )
# --8<-- [end:fit]

# Each process holds one copy of the variables; together, two.
kernel = model.layers[0].kernel.value
assert len(kernel.sharding.device_set) == 2
assert kernel.sharding.is_fully_replicated

# --8<-- [start:compare]
keras.utils.set_random_seed(0)
single = make_model()  # outside the scope: this process's own device
single.fit(
    make_dataset(),
    steps_per_epoch=STEPS_PER_EPOCH,
    epochs=EPOCHS,
    verbose=0,
)

pairs = zip(model.get_weights(), single.get_weights())
difference = max(np.abs(np.asarray(a) - b).max() for a, b in pairs)
print(difference < 1e-6)
# -> True
# --8<-- [end:compare]
