"""When training goes wrong: each problem shown by a run, then fixed."""

# --8<-- [start:imports]
import numpy as np
import matplotlib.pyplot as plt
import keras

print(keras.__version__, keras.config.backend())
keras.utils.set_random_seed(0)
# --8<-- [end:imports]

# --8<-- [start:spirals]
def make_spirals(n, rng):
    """n points on two spirals that wind around each other; label 0 or 1."""
    labels = rng.integers(0, 2, size=n)
    radius = np.sqrt(rng.uniform(0, 1, size=n))
    angle = radius * 3 * np.pi + labels * np.pi
    points = np.stack([radius * np.cos(angle), radius * np.sin(angle)], axis=1)
    points += rng.normal(0, 0.04, size=(n, 2))
    return points.astype("float32"), labels.astype("float32")


def train_spirals(hidden_layers, x, y, epochs, validation_data=None, callbacks=None):
    """A network with the given hidden layers (a list of sizes); returns its history."""
    network = keras.Sequential([keras.Input(shape=(2,))])
    for units in hidden_layers:
        network.add(keras.layers.Dense(units, activation="relu"))
    network.add(keras.layers.Dense(1, activation="sigmoid"))
    network.compile(
        optimizer=keras.optimizers.Adam(learning_rate=0.01),
        loss="binary_crossentropy",
        metrics=["accuracy"],
    )
    return network.fit(
        x, y, epochs=epochs, batch_size=32, validation_data=validation_data,
        callbacks=callbacks, verbose=0,
    ).history


rng = np.random.default_rng(0)
x_spirals, y_spirals = make_spirals(1000, rng)
print(x_spirals.shape, y_spirals.shape)
# -> (1000, 2) (1000,)
# --8<-- [end:spirals]

# --8<-- [start:underfit]
too_small = train_spirals([], x_spirals, y_spirals, epochs=40)
big_enough = train_spirals([32, 32], x_spirals, y_spirals, epochs=40)
for name, h in (("no hidden layer", too_small), ("two hidden layers", big_enough)):
    print(f"{name:<18} loss {h['loss'][-1]:.3f}, training accuracy {h['accuracy'][-1]:.3f}")
# --8<-- [end:underfit]

# --8<-- [start:plot_underfit]
plt.figure(figsize=(6, 4))
plt.plot(too_small["loss"], label="no hidden layer")
plt.plot(big_enough["loss"], label="two hidden layers of 32")
plt.xlabel("epoch")
plt.ylabel("training loss")
plt.legend()
plt.show()
# --8<-- [end:plot_underfit]

# --8<-- [start:line_data]
x_line = rng.uniform(0, 10, size=(1000, 1)).astype("float32")
y_line = 3 * x_line + 2 + rng.normal(0, 1, size=(1000, 1)).astype("float32")


def train_line(learning_rate):
    """One Dense unit fitted to the line with plain SGD; returns the loss of each epoch."""
    line_model = keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense(1)])
    line_model.compile(optimizer=keras.optimizers.SGD(learning_rate=learning_rate), loss="mse")
    return line_model.fit(x_line, y_line, epochs=20, batch_size=32, verbose=0).history["loss"]
# --8<-- [end:line_data]

# --8<-- [start:learning_rate]
losses = {rate: train_line(rate) for rate in (0.1, 0.01, 0.00001)}
for rate, loss in losses.items():
    print(f"learning rate {rate:<8} loss after epoch 1: {loss[0]:.4g}, after epoch {len(loss)}: {loss[-1]:.4g}")
# --8<-- [end:learning_rate]

# --8<-- [start:plot_learning_rate]
plt.figure(figsize=(6, 4))
for rate, loss in losses.items():
    plt.plot(range(1, len(loss) + 1), loss, label=f"learning rate {rate}")
plt.yscale("log")
plt.xlabel("epoch")
plt.ylabel("training loss (log scale)")
plt.legend()
plt.show()
# --8<-- [end:plot_learning_rate]

# --8<-- [start:pixels]
(x_images, y_images), _ = keras.datasets.fashion_mnist.load_data()
x_images, y_images = x_images[:6000].reshape(-1, 784), y_images[:6000]
print(x_images.dtype, x_images.min(), x_images.max(), y_images[:5])
# -> uint8 0 255 [9 0 0 3 0]


def train_images(pixels):
    """A small dense network on 6000 images; returns its history."""
    network = keras.Sequential(
        [
            keras.Input(shape=(784,)),
            keras.layers.Dense(64, activation="relu"),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )
    network.compile(
        optimizer=keras.optimizers.SGD(learning_rate=0.01),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return network.fit(pixels, y_images, epochs=10, batch_size=32, validation_split=0.2, verbose=0).history


raw = train_images(x_images.astype("float32"))
scaled = train_images(x_images.astype("float32") / 255)
for name, h in (("0 to 255", raw), ("0 to 1", scaled)):
    print(f"pixels {name:<9} validation loss {h['val_loss'][-1]:.3f}, validation accuracy {h['val_accuracy'][-1]:.3f}")
# --8<-- [end:pixels]

# --8<-- [start:plot_pixels]
plt.figure(figsize=(6, 4))
plt.plot(range(1, len(raw["val_accuracy"]) + 1), raw["val_accuracy"], label="pixels 0 to 255")
plt.plot(range(1, len(scaled["val_accuracy"]) + 1), scaled["val_accuracy"], label="pixels 0 to 1")
plt.xlabel("epoch")
plt.ylabel("validation accuracy")
plt.legend()
plt.show()
# --8<-- [end:plot_pixels]

# --8<-- [start:labels]
x_pixels = x_images.astype("float32") / 255
classifier = keras.Sequential([keras.Input(shape=(784,)), keras.layers.Dense(10, activation="softmax")])
# --8<-- [end:labels]

# --8<-- [start:labels_fix]
classifier.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
labels_history = classifier.fit(x_pixels, y_images, epochs=5, verbose=0)
print(f"sparse_categorical_crossentropy: training accuracy {labels_history.history['accuracy'][-1]:.3f}")

y_one_hot = keras.utils.to_categorical(y_images, num_classes=10)
print(y_images[:3])
# -> [9 0 0]
print(y_one_hot[:3])
# --8<-- [end:labels_fix]

# --8<-- [start:early_stopping]
early_stopping = keras.callbacks.EarlyStopping(monitor="val_loss", patience=5, restore_best_weights=True)
large = keras.Sequential(
    [
        keras.Input(shape=(784,)),
        keras.layers.Dense(256, activation="relu"),
        keras.layers.Dense(256, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ]
)
large.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
stopped = large.fit(x_pixels, y_images, epochs=100, batch_size=32, validation_split=0.2,
                    callbacks=[early_stopping], verbose=0).history
best_epoch = int(np.argmin(stopped["val_loss"])) + 1
print(f"trained {len(stopped['loss'])} of 100 epochs")
print(f"lowest validation loss {min(stopped['val_loss']):.3f}, at epoch {best_epoch}: its weights are kept")
# --8<-- [end:early_stopping]

# --8<-- [start:plot_early_stopping]
epochs = range(1, len(stopped["loss"]) + 1)
plt.figure(figsize=(6, 4))
plt.plot(epochs, stopped["loss"], label="training loss")
plt.plot(epochs, stopped["val_loss"], label="validation loss")
plt.axvline(best_epoch, color="gray", linestyle="--", label="weights kept")
plt.xlabel("epoch")
plt.ylabel("loss")
plt.legend()
plt.show()
# --8<-- [end:plot_early_stopping]
