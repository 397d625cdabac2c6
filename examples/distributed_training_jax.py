"""Train one model on two devices at once: keras.distribution.DataParallel."""

# Keras backends: jax
# Pages show excerpts of this file: the data and the model are set up
# between the sections the page shows.

# --8<-- [start:devices]
import os

os.environ["KERAS_BACKEND"] = "jax"
# Two CPU devices for JAX: set this before JAX is imported.
os.environ["JAX_NUM_CPU_DEVICES"] = "2"

import numpy as np
import keras

devices = keras.distribution.list_devices("cpu")
print(devices)
# -> ['cpu:0', 'cpu:1']
# --8<-- [end:devices]

GLOBAL_BATCH_SIZE = 64
EPOCHS = 5

rng = np.random.default_rng(0)
x = rng.normal(size=(512, 20)).astype("float32")
y = np.argmax(x @ rng.normal(size=(20, 3)), axis=1)


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


# --8<-- [start:distribution]
distribution = keras.distribution.DataParallel(devices=devices)
print(distribution.device_mesh.shape)
# -> (2,)
print(GLOBAL_BATCH_SIZE // len(devices))
# -> 32
# --8<-- [end:distribution]

# --8<-- [start:fit]
keras.utils.set_random_seed(0)
with distribution.scope():
    model = make_model()
    model.fit(x, y, batch_size=GLOBAL_BATCH_SIZE, epochs=EPOCHS, verbose=2)

# The model's variables live on every device, one copy each.
kernel = model.layers[0].kernel.value
print(len(kernel.sharding.device_set), kernel.sharding.is_fully_replicated)
# -> 2 True
# --8<-- [end:fit]

# --8<-- [start:compare]
keras.utils.set_random_seed(0)
single = make_model()  # outside the scope: one device
single.fit(x, y, batch_size=GLOBAL_BATCH_SIZE, epochs=EPOCHS, verbose=0)

pairs = zip(model.get_weights(), single.get_weights())
difference = max(np.abs(a - b).max() for a, b in pairs)
print(difference < 1e-6)
# -> True
# --8<-- [end:compare]
