"""Classification with a feedforward network: two interleaved spirals."""

# --8<-- [start:imports]
import numpy as np
import matplotlib.pyplot as plt
import keras

print(keras.__version__, keras.config.backend())
keras.utils.set_random_seed(0)
# --8<-- [end:imports]

# --8<-- [start:data]
def make_spirals(n, rng):
    """n points on two spirals that wind around each other; label 0 or 1."""
    labels = rng.integers(0, 2, size=n)
    radius = np.sqrt(rng.uniform(0, 1, size=n))
    angle = radius * 3 * np.pi + labels * np.pi
    points = np.stack([radius * np.cos(angle), radius * np.sin(angle)], axis=1)
    points += rng.normal(0, 0.04, size=(n, 2))
    return points.astype("float32"), labels.astype("float32")


rng = np.random.default_rng(0)
x_train, y_train = make_spirals(1000, rng)
x_test, y_test = make_spirals(500, rng)
print(x_train.shape, y_train.shape)
# -> (1000, 2) (1000,)
print(x_train[:3])
print(y_train[:3])
# --8<-- [end:data]

# --8<-- [start:plot_data]
plt.figure(figsize=(5, 5))
plt.scatter(x_train[:, 0], x_train[:, 1], c=y_train, cmap="coolwarm", s=8)
plt.gca().set_aspect("equal")
plt.xlabel("x1")
plt.ylabel("x2")
plt.show()
# --8<-- [end:plot_data]

# --8<-- [start:model]
model = keras.Sequential(
    [
        keras.Input(shape=(2,)),
        keras.layers.Dense(32, activation="relu"),
        keras.layers.Dense(32, activation="relu"),
        keras.layers.Dense(1, activation="sigmoid"),
    ]
)
model.summary()
# --8<-- [end:model]

# --8<-- [start:compile]
model.compile(
    optimizer=keras.optimizers.Adam(learning_rate=0.01),
    loss="binary_crossentropy",
    metrics=["accuracy"],
)
# --8<-- [end:compile]

# --8<-- [start:fit]
history = model.fit(
    x_train,
    y_train,
    epochs=40,
    batch_size=32,
    validation_split=0.2,
    verbose=0,
)
print(f"epochs: {len(history.history['loss'])}")
print(f"training accuracy:   {history.history['accuracy'][-1]:.3f}")
print(f"validation accuracy: {history.history['val_accuracy'][-1]:.3f}")
# --8<-- [end:fit]

# --8<-- [start:plot_accuracy]
epochs = range(1, len(history.history["accuracy"]) + 1)
plt.figure(figsize=(6, 4))
plt.plot(epochs, history.history["accuracy"], label="training")
plt.plot(epochs, history.history["val_accuracy"], label="validation")
plt.xlabel("epoch")
plt.ylabel("accuracy")
plt.legend()
plt.show()
# --8<-- [end:plot_accuracy]

# --8<-- [start:evaluate]
test_loss, test_accuracy = model.evaluate(x_test, y_test, verbose=0)
print(f"test loss:     {test_loss:.4f}")
print(f"test accuracy: {test_accuracy:.3f}")
# --8<-- [end:evaluate]

# --8<-- [start:predict]
new_points = np.array([[0.5, 0.5], [-0.6, 0.3], [0.0, 0.0]], dtype="float32")
probabilities = model.predict(new_points, verbose=0)[:, 0]
classes = (probabilities > 0.5).astype(int)
for point, p, c in zip(new_points, probabilities, classes):
    print(f"point {point}: probability of class 1 = {p:.3f}, class {c}")
# --8<-- [end:predict]

# --8<-- [start:plot_regions]
xx, yy = np.meshgrid(np.linspace(-1.2, 1.2, 200), np.linspace(-1.2, 1.2, 200))
grid = np.stack([xx.ravel(), yy.ravel()], axis=1).astype("float32")
grid_probabilities = model.predict(grid, batch_size=len(grid), verbose=0)
plt.figure(figsize=(5, 5))
plt.contourf(
    xx,
    yy,
    grid_probabilities.reshape(xx.shape),
    levels=[0, 0.5, 1],
    cmap="coolwarm",
    alpha=0.3,
)
plt.scatter(x_test[:, 0], x_test[:, 1], c=y_test, cmap="coolwarm", s=8)
plt.gca().set_aspect("equal")
plt.xlabel("x1")
plt.ylabel("x2")
plt.show()
# --8<-- [end:plot_regions]

# --8<-- [start:overfit]
x_few, y_few = make_spirals(60, rng)
x_val, y_val = make_spirals(500, rng)


def train_big_network(dropout):
    network = keras.Sequential(
        [
            keras.Input(shape=(2,)),
            keras.layers.Dense(256, activation="relu"),
            keras.layers.Dropout(dropout),
            keras.layers.Dense(256, activation="relu"),
            keras.layers.Dropout(dropout),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    network.compile(
        optimizer=keras.optimizers.Adam(learning_rate=0.01),
        loss="binary_crossentropy",
        metrics=["accuracy"],
    )
    return network.fit(
        x_few,
        y_few,
        epochs=200,
        batch_size=32,
        validation_data=(x_val, y_val),
        verbose=0,
    ).history


plain = train_big_network(dropout=0.0)
dropped = train_big_network(dropout=0.5)
for name, h in (("no dropout", plain), ("dropout 0.5", dropped)):
    print(f"{name:<12} training accuracy {h['accuracy'][-1]:.3f}, "
          f"validation accuracy {h['val_accuracy'][-1]:.3f}, validation loss {h['val_loss'][-1]:.3f}")
# --8<-- [end:overfit]

# --8<-- [start:plot_overfit]
fig, axes = plt.subplots(1, 2, figsize=(10, 4), sharey=True)
for ax, (title, h) in zip(axes, (("no dropout", plain), ("dropout 0.5", dropped))):
    epochs = range(1, len(h["loss"]) + 1)
    ax.plot(epochs, h["loss"], label="training loss")
    ax.plot(epochs, h["val_loss"], label="validation loss")
    ax.set_title(title)
    ax.set_xlabel("epoch")
    ax.legend()
axes[0].set_ylabel("loss")
plt.show()
# --8<-- [end:plot_overfit]

# --8<-- [start:exercise_1]
test_probabilities = model.predict(x_test, batch_size=len(x_test), verbose=0)[:, 0]
test_classes = (test_probabilities > 0.5).astype(int)
right = (test_classes == y_test).sum()
print(f"right: {right} of {len(y_test)}, accuracy {right / len(y_test):.3f}")
print(f"evaluate() said:     accuracy {test_accuracy:.3f}")
# --8<-- [end:exercise_1]

# --8<-- [start:exercise_2]
no_hidden = keras.Sequential(
    [
        keras.Input(shape=(2,)),
        keras.layers.Dense(1, activation="sigmoid"),
    ]
)
no_hidden.compile(
    optimizer=keras.optimizers.Adam(learning_rate=0.01),
    loss="binary_crossentropy",
    metrics=["accuracy"],
)
no_hidden.fit(x_train, y_train, epochs=20, batch_size=32, verbose=0)
print(f"no hidden layer, test accuracy: {no_hidden.evaluate(x_test, y_test, verbose=0)[1]:.3f}")
# --8<-- [end:exercise_2]
