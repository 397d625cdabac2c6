"""Next steps: the Functional API, and training on a folder of your own pictures."""

# --8<-- [start:imports]
# Needs TensorFlow, whatever the backend: image_dataset_from_directory returns a tf.data.Dataset
from pathlib import Path

import numpy as np
import matplotlib.pyplot as plt
import keras

print(keras.__version__, keras.config.backend())
keras.utils.set_random_seed(0)
# --8<-- [end:imports]

# --8<-- [start:functional]
inputs = keras.Input(shape=(28, 28, 1))
x = keras.layers.Conv2D(16, kernel_size=3, padding="same", activation="relu")(inputs)
x = keras.layers.MaxPooling2D(pool_size=2)(x)
x = keras.layers.Conv2D(64, kernel_size=3, padding="same", activation="relu")(x)
x = keras.layers.MaxPooling2D(pool_size=2)(x)
x = keras.layers.Flatten()(x)
x = keras.layers.Dropout(0.3)(x)
x = keras.layers.Dense(128, activation="relu")(x)
x = keras.layers.Dropout(0.3)(x)
outputs = keras.layers.Dense(10, activation="softmax")(x)
model = keras.Model(inputs, outputs)
print(model.count_params())
# -> 412266
# --8<-- [end:functional]

# --8<-- [start:two_outputs]
is_footwear = keras.layers.Dense(1, activation="sigmoid")(x)
two_outputs = keras.Model(inputs, [outputs, is_footwear])
classes, footwear = two_outputs.predict(np.zeros((1, 28, 28, 1)), verbose=0)
print(classes.shape, footwear.shape)
# -> (1, 10) (1, 1)
# --8<-- [end:two_outputs]

# --8<-- [start:folder]
(x_train, y_train), _ = keras.datasets.fashion_mnist.load_data()
FOLDERS = {0: "t-shirt", 3: "dress", 7: "sneaker"}
for label, name in FOLDERS.items():
    folder = Path("pictures") / name
    folder.mkdir(parents=True, exist_ok=True)
    for n, image in enumerate(x_train[y_train == label][:100]):
        keras.utils.save_img(folder / f"{n}.png", image[:, :, None], scale=False)
print(sorted(p.name for p in Path("pictures").iterdir()))
# -> ['dress', 'sneaker', 't-shirt']
# --8<-- [end:folder]

# --8<-- [start:load]
train_ds, validation_ds = keras.utils.image_dataset_from_directory(
    "pictures",
    color_mode="grayscale",
    image_size=(28, 28),
    batch_size=32,
    validation_split=0.2,
    subset="both",
    seed=0,
)
# -> Found 300 files belonging to 3 classes.
# -> Using 240 files for training.
# -> Using 60 files for validation.
class_names = train_ds.class_names
print(class_names)
# -> ['dress', 'sneaker', 't-shirt']
for images, labels in train_ds.take(1):
    print(tuple(images.shape), labels.numpy()[:8])
# --8<-- [end:load]

# --8<-- [start:plot_pictures]
plt.figure(figsize=(6, 3))
for i in range(8):
    plt.subplot(2, 4, i + 1)
    plt.imshow(images[i].numpy()[:, :, 0], cmap="gray_r")
    plt.title(class_names[labels[i]], fontsize=10)
    plt.axis("off")
plt.tight_layout()
plt.show()
# --8<-- [end:plot_pictures]

# --8<-- [start:model]
inputs = keras.Input(shape=(28, 28, 1))
x = keras.layers.Rescaling(1 / 255)(inputs)
x = keras.layers.Conv2D(16, kernel_size=3, padding="same", activation="relu")(x)
x = keras.layers.MaxPooling2D(pool_size=2)(x)
x = keras.layers.Flatten()(x)
outputs = keras.layers.Dense(len(class_names), activation="softmax")(x)
own_model = keras.Model(inputs, outputs)
own_model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
# --8<-- [end:model]

# --8<-- [start:fit]
history = own_model.fit(train_ds, validation_data=validation_ds, epochs=10, verbose=2)
# --8<-- [end:fit]

