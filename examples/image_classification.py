"""Image classification with a convolutional network: Fashion-MNIST clothing."""

# --8<-- [start:imports]
import numpy as np
import matplotlib.pyplot as plt
import keras

print(keras.__version__, keras.config.backend())
keras.utils.set_random_seed(0)
# --8<-- [end:imports]

# --8<-- [start:data]
(x_train, y_train), (x_test, y_test) = keras.datasets.fashion_mnist.load_data()
print(x_train.shape, y_train.shape)
# -> (60000, 28, 28) (60000,)
print(x_test.shape, y_test.shape)
# -> (10000, 28, 28) (10000,)
print(x_train.dtype, x_train.min(), x_train.max())
# -> uint8 0 255
print(y_train[:10])
# -> [9 0 0 3 0 2 7 2 5 5]

CLASS_NAMES = [
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
]
# --8<-- [end:data]

# --8<-- [start:plot_samples]
plt.figure(figsize=(8, 4.5))
for i in range(15):
    plt.subplot(3, 5, i + 1)
    plt.imshow(x_train[i], cmap="gray_r")
    plt.title(CLASS_NAMES[y_train[i]], fontsize=9)
    plt.axis("off")
plt.tight_layout()
plt.show()
# --8<-- [end:plot_samples]

# --8<-- [start:scale]
x_train = x_train.astype("float32") / 255
x_test = x_test.astype("float32") / 255
x_train = np.expand_dims(x_train, -1)
x_test = np.expand_dims(x_test, -1)
print(x_train.shape, x_test.shape)
# -> (60000, 28, 28, 1) (10000, 28, 28, 1)
# --8<-- [end:scale]

# --8<-- [start:model]
model = keras.Sequential(
    [
        keras.Input(shape=(28, 28, 1)),
        keras.layers.Conv2D(16, kernel_size=3, padding="same", activation="relu"),
        keras.layers.MaxPooling2D(pool_size=2),
        keras.layers.Conv2D(64, kernel_size=3, padding="same", activation="relu"),
        keras.layers.MaxPooling2D(pool_size=2),
        keras.layers.Flatten(),
        keras.layers.Dropout(0.3),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dropout(0.3),
        keras.layers.Dense(10, activation="softmax"),
    ]
)
model.summary()
# --8<-- [end:model]

# --8<-- [start:compile]
EPOCHS = 12
BATCH_SIZE = 128
steps = EPOCHS * int(np.ceil(len(x_train) * 0.9 / BATCH_SIZE))
learning_rate = keras.optimizers.schedules.CosineDecay(0.002, decay_steps=steps)
model.compile(
    optimizer=keras.optimizers.Adam(learning_rate=learning_rate),
    loss="sparse_categorical_crossentropy",
    metrics=["accuracy"],
)
# --8<-- [end:compile]

# --8<-- [start:fit]
callbacks = [
    keras.callbacks.EarlyStopping(
        monitor="val_loss", patience=3, restore_best_weights=True, verbose=1
    ),
    keras.callbacks.ModelCheckpoint(
        "fashion_mnist_cnn.keras", monitor="val_loss", save_best_only=True
    ),
]
history = model.fit(
    x_train,
    y_train,
    batch_size=BATCH_SIZE,
    epochs=EPOCHS,
    validation_split=0.1,
    callbacks=callbacks,
    verbose=2,
)
# --8<-- [end:fit]

# --8<-- [start:plot_history]
epochs = range(1, len(history.history["loss"]) + 1)
fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
left.plot(epochs, history.history["accuracy"], label="training")
left.plot(epochs, history.history["val_accuracy"], label="validation")
left.set_xlabel("epoch")
left.set_ylabel("accuracy")
left.legend()
right.plot(epochs, history.history["loss"], label="training")
right.plot(epochs, history.history["val_loss"], label="validation")
right.set_xlabel("epoch")
right.set_ylabel("loss")
right.legend()
plt.show()
# --8<-- [end:plot_history]

# --8<-- [start:evaluate]
test_loss, test_accuracy = model.evaluate(
    x_test, y_test, batch_size=BATCH_SIZE, verbose=0
)
print(f"test loss:     {test_loss:.4f}")
print(f"test accuracy: {test_accuracy:.4f}")
# --8<-- [end:evaluate]

# --8<-- [start:feature_maps]
first_layer = keras.Model(model.inputs, model.layers[0].output)
maps = first_layer.predict(x_test[:1], verbose=0)
print(maps.shape)
# -> (1, 28, 28, 16)
# The input on top, then the 16 feature maps in 4 rows of 4.
plt.figure(figsize=(6, 8))
plt.subplot(5, 4, (2, 3))
plt.imshow(x_test[0, :, :, 0], cmap="gray_r")
plt.title("input", fontsize=12)
plt.axis("off")
for k in range(16):
    plt.subplot(5, 4, k + 5)
    plt.imshow(maps[0, :, :, k], cmap="viridis")
    plt.title(f"filter {k}", fontsize=12)
    plt.axis("off")
plt.tight_layout()
plt.show()
# --8<-- [end:feature_maps]

# --8<-- [start:predict]
probabilities = model.predict(x_test[:24], verbose=0)
predicted = probabilities.argmax(axis=1)
print(probabilities.shape)
# -> (24, 10)
for i in range(5):
    name = CLASS_NAMES[predicted[i]]
    true_name = CLASS_NAMES[y_test[i]]
    p = probabilities[i].max()
    print(f"image {i}: {name:<12} probability {p:.3f}   true: {true_name}")
# --8<-- [end:predict]

# --8<-- [start:plot_predictions]
plt.figure(figsize=(10, 8))
for i in range(24):
    plt.subplot(4, 6, i + 1)
    plt.imshow(x_test[i, :, :, 0], cmap="gray_r")
    right = predicted[i] == y_test[i]
    title = f"✓ {CLASS_NAMES[predicted[i]]}"
    if not right:
        title = f"✗ {CLASS_NAMES[predicted[i]]}\n(true: {CLASS_NAMES[y_test[i]]})"
    plt.title(title, fontsize=9, color="green" if right else "red")
    plt.axis("off")
plt.tight_layout()
plt.show()
# --8<-- [end:plot_predictions]

# --8<-- [start:confusion]
all_predicted = model.predict(x_test, batch_size=5000, verbose=0).argmax(axis=1)
confusion = np.zeros((10, 10), dtype=int)
np.add.at(confusion, (y_test, all_predicted), 1)
per_class = confusion.diagonal() / confusion.sum(axis=1)
for name, accuracy in zip(CLASS_NAMES, per_class):
    print(f"{name:<12} {accuracy:.3f}")
# --8<-- [end:confusion]

# --8<-- [start:plot_confusion]
plt.figure(figsize=(7, 6))
plt.imshow(confusion, cmap="Blues")
for true in range(10):
    for guess in range(10):
        count = confusion[true, guess]
        color = "white" if count > confusion.max() / 2 else "black"
        plt.text(guess, true, count, ha="center", va="center", fontsize=7, color=color)
plt.xticks(range(10), CLASS_NAMES, rotation=45, ha="right")
plt.yticks(range(10), CLASS_NAMES)
plt.xlabel("predicted class")
plt.ylabel("true class")
plt.show()
# --8<-- [end:plot_confusion]

# --8<-- [start:save]
restored = keras.models.load_model("fashion_mnist_cnn.keras")
restored_probabilities = restored.predict(x_test[:24], verbose=0)
print(np.allclose(restored_probabilities, probabilities, atol=1e-6))
# -> True
# --8<-- [end:save]

# --8<-- [start:exercise_1]
no_first_pooling = keras.Sequential(
    [
        keras.Input(shape=(28, 28, 1)),
        keras.layers.Conv2D(16, kernel_size=3, padding="same", activation="relu"),
        keras.layers.Conv2D(64, kernel_size=3, padding="same", activation="relu"),
        keras.layers.MaxPooling2D(pool_size=2),
        keras.layers.Flatten(),
        keras.layers.Dropout(0.3),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dropout(0.3),
        keras.layers.Dense(10, activation="softmax"),
    ]
)
print(no_first_pooling.count_params())
# -> 1616490
print(no_first_pooling.layers[-3].count_params())
# -> 1605760
# --8<-- [end:exercise_1]

# --8<-- [start:exercise_2]
probabilities_1000 = model.predict(x_test[:1000], batch_size=1000, verbose=0)
predicted_1000 = probabilities_1000.argmax(axis=1)
wrong = np.flatnonzero(predicted_1000 != y_test[:1000])
print(f"wrong: {len(wrong)} of 1000")
most_sure_first = wrong[np.argsort(-probabilities_1000[wrong].max(axis=1))]
for i in most_sure_first[:5]:
    name = CLASS_NAMES[predicted_1000[i]]
    p = probabilities_1000[i].max()
    print(f"image {i}: {name:<12} probability {p:.3f}   true: {CLASS_NAMES[y_test[i]]}")
# --8<-- [end:exercise_2]
