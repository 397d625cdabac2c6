"""Your own picture: the image lesson's model on a picture file.

Keras runs after: image_classification
"""

# --8<-- [start:imports]
import sys
from pathlib import Path

import numpy as np
import matplotlib.pyplot as plt
import keras
from PIL import UnidentifiedImageError

MODEL_FILE = "fashion_mnist_cnn.keras"
PICTURE = "pictures/sneaker.png"
CLASS_NAMES = [
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
]
# --8<-- [end:imports]

# --8<-- [start:load_model]
if not Path(MODEL_FILE).is_file():
    sys.exit(f"找不到 {MODEL_FILE}：请先在这个文件夹里运行图像分类一章的代码 / "
             f"No {MODEL_FILE} here: run the image classification lesson in this folder first")
model = keras.models.load_model(MODEL_FILE)
# --8<-- [end:load_model]

# --8<-- [start:open]
try:
    original = keras.utils.load_img(PICTURE)
    gray = keras.utils.load_img(PICTURE, color_mode="grayscale")
    small = keras.utils.load_img(PICTURE, color_mode="grayscale", target_size=(28, 28))
except FileNotFoundError:
    sys.exit(f"找不到图片文件 / No such picture file: {PICTURE}")
except UnidentifiedImageError:
    sys.exit(f"这个文件不是图片 / Not a picture file: {PICTURE}")
print(original.size, gray.size, small.size)
# -> (280, 280) (280, 280) (28, 28)
# --8<-- [end:open]

# --8<-- [start:prepare]
def to_model_input(picture):
    x = keras.utils.img_to_array(picture)  # (28, 28, 1), 0 to 255
    x = 1 - x / 255  # a light item on a dark background, 0 to 1
    return np.expand_dims(x, 0)  # a batch of one picture


x = to_model_input(small)
print(x.shape, x.dtype)
# -> (1, 28, 28, 1) float32
# --8<-- [end:prepare]

# --8<-- [start:predict]
probabilities = model.predict(x, verbose=0)[0]
for i in np.argsort(probabilities)[::-1][:3]:
    print(f"{CLASS_NAMES[i]:<12} {probabilities[i]:.3f}")
# --8<-- [end:predict]

# --8<-- [start:clean]
def clean(x):
    background = np.median(x)  # most of a photo is background
    return np.clip((x - background) / (x.max() - background + 1e-7), 0, 1)


x_clean = clean(x)
probabilities_clean = model.predict(x_clean, verbose=0)[0]
for i in np.argsort(probabilities_clean)[::-1][:3]:
    print(f"{CLASS_NAMES[i]:<12} {probabilities_clean[i]:.3f}")
# --8<-- [end:clean]

# --8<-- [start:plot_steps]
steps = [(original, "picture", 255), (gray, "grayscale", 255), (small, "28 x 28", 255),
         (x[0, :, :, 0], "inverted", 1), (x_clean[0, :, :, 0], "cleaned", 1)]
plt.figure(figsize=(10, 6))
for k, (image, title, white) in enumerate(steps):
    plt.subplot(2, 5, k + 1)
    plt.imshow(image, cmap="gray", vmin=0, vmax=white)
    plt.title(title)
    plt.axis("off")
plt.subplot(2, 1, 2)
rows = np.arange(len(CLASS_NAMES))
plt.barh(rows - 0.2, probabilities, height=0.4, label="inverted")
plt.barh(rows + 0.2, probabilities_clean, height=0.4, label="cleaned")
plt.yticks(rows, CLASS_NAMES)
plt.gca().invert_yaxis()
plt.xlim(0, 1)
plt.xlabel("probability")
plt.legend()
plt.tight_layout()
plt.show()
# --8<-- [end:plot_steps]

# --8<-- [start:all_pictures]
paths = sorted(Path("pictures").glob("*.png"))
pictures = [keras.utils.load_img(p, color_mode="grayscale", target_size=(28, 28)) for p in paths]
batch = np.concatenate([to_model_input(picture) for picture in pictures])
cleaned = np.concatenate([clean(image[None]) for image in batch])
before = model.predict(batch, verbose=0)
after = model.predict(cleaned, verbose=0)
plt.figure(figsize=(9, 3.5))
for k, path in enumerate(paths):
    name, name_clean = CLASS_NAMES[before[k].argmax()], CLASS_NAMES[after[k].argmax()]
    print(f"{path.stem:<14} {name:<12} {before[k].max():.3f}   {name_clean:<12} {after[k].max():.3f}")
    plt.subplot(1, len(paths), k + 1)
    plt.imshow(cleaned[k, :, :, 0], cmap="gray", vmin=0, vmax=1)
    plt.title(f"{path.stem}\n{name_clean}\n{after[k].max():.2f}", fontsize=9)
    plt.axis("off")
plt.tight_layout()
plt.show()
# --8<-- [end:all_pictures]
