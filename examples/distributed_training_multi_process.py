"""Train one model in two processes, as on two machines: keras.distribution with JAX.

Run it once per process, each with the three KERAS_DISTRIBUTION_* variables
set: on one machine, in two terminals (the page shows both commands).
"""

# Keras backends: jax
# Keras processes: 2
# Pages show excerpts of this file: the model is set up between the
# sections the page shows.

# --8<-- [start:initialize]
import os
import sys

os.environ["KERAS_BACKEND"] = "jax"

import numpy as np
import jax
import tensorflow as tf
import keras

# initialize() reads the three KERAS_DISTRIBUTION_* variables.
if "KERAS_DISTRIBUTION_PROCESS_ID" not in os.environ:
    sys.exit("Set KERAS_DISTRIBUTION_JOB_ADDRESSES, KERAS_DISTRIBUTION_NUM_PROCESSES"
             " and KERAS_DISTRIBUTION_PROCESS_ID first: one process per terminal.")
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

# One copy of the variables on each process's device: two in all.
kernel = model.layers[0].kernel.value
print(len(kernel.sharding.device_set), kernel.sharding.is_fully_replicated)
# -> 2 True
# --8<-- [end:fit]

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
