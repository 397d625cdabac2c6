"""Train one model on two devices at once: tf.distribute.MirroredStrategy."""

# Keras backends: tensorflow

# --8<-- [start:devices]
import os

os.environ["KERAS_BACKEND"] = "tensorflow"

import numpy as np
import tensorflow as tf
import keras

# Split the CPU into two logical devices, before TensorFlow uses it.
cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(
    cpu,
    [
        tf.config.LogicalDeviceConfiguration(),
        tf.config.LogicalDeviceConfiguration(),
    ],
)
print(len(tf.config.list_logical_devices("CPU")))
# -> 2
# --8<-- [end:devices]

# --8<-- [start:data]
GLOBAL_BATCH_SIZE = 64
EPOCHS = 5

rng = np.random.default_rng(0)
x = rng.normal(size=(512, 20)).astype("float32")
y = np.argmax(x @ rng.normal(size=(20, 3)), axis=1)
# --8<-- [end:data]


# --8<-- [start:model]
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
# --8<-- [end:model]


# --8<-- [start:strategy]
strategy = tf.distribute.MirroredStrategy(["CPU:0", "CPU:1"])
print(strategy.num_replicas_in_sync)
# -> 2
print(GLOBAL_BATCH_SIZE // strategy.num_replicas_in_sync)
# -> 32
# --8<-- [end:strategy]

# --8<-- [start:fit]
keras.utils.set_random_seed(0)
with strategy.scope():
    model = make_model()
    model.fit(x, y, batch_size=GLOBAL_BATCH_SIZE, epochs=EPOCHS, verbose=2)

# The model's variables live on both devices, one copy each.
print(len(model.layers[0].kernel.value.values))
# -> 2
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
