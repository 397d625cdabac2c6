"""The pictures the "Your own picture" chapter tries the image lesson's model on (python -m harness.pictures DIR).

Drawn here, so the project may ship them: a dark item on a light, uneven background, 280 x 280, like a phone
photo, not like Fashion-MNIST; one small and off-centre, for the model to fail on. The same code gives the
same bytes.
"""

from __future__ import annotations

import functools
import hashlib
import io
import sys
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

SIZE = 280
FOLDER = "pictures"
# Each item as polygons in a unit square (0..1, y down); a box (left, top, right, bottom) places it.
SHAPES = {
    "tshirt": [[(0.32, 0.1), (0.42, 0.1), (0.5, 0.18), (0.58, 0.1), (0.68, 0.1), (0.95, 0.3), (0.84, 0.45),
                (0.74, 0.38), (0.74, 0.92), (0.26, 0.92), (0.26, 0.38), (0.16, 0.45), (0.05, 0.3)]],
    "trouser": [[(0.3, 0.04), (0.7, 0.04), (0.76, 0.96), (0.56, 0.96), (0.5, 0.3), (0.44, 0.96), (0.24, 0.96)]],
    # Shoes point left, as in Fashion-MNIST.
    "sneaker": [[(0.03, 0.62), (0.2, 0.5), (0.45, 0.42), (0.62, 0.3), (0.8, 0.28), (0.95, 0.36), (0.97, 0.72),
                 (0.03, 0.74)]],
    "bag": [[(0.12, 0.35), (0.88, 0.35), (0.92, 0.92), (0.08, 0.92)],
            [(0.3, 0.35), (0.34, 0.12), (0.66, 0.12), (0.7, 0.35), (0.62, 0.35), (0.6, 0.2), (0.4, 0.2),
             (0.38, 0.35)]],
    "ankle_boot": [[(0.5, 0.05), (0.9, 0.05), (0.95, 0.92), (0.04, 0.92), (0.05, 0.74), (0.22, 0.6),
                    (0.5, 0.52)]],
}
# name: (shape, box, seed of the background)
PICTURES = {
    "tshirt": ("tshirt", (0.1, 0.1, 0.9, 0.9), 1),
    "trouser": ("trouser", (0.1, 0.06, 0.9, 0.94), 2),
    "sneaker": ("sneaker", (0.06, 0.06, 0.94, 0.94), 3),
    "bag": ("bag", (0.1, 0.1, 0.9, 0.9), 4),
    "ankle_boot": ("ankle_boot", (0.08, 0.08, 0.92, 0.92), 5),
    "sneaker_small": ("sneaker", (0.62, 0.08, 0.94, 0.4), 6),
}


def background(seed: int) -> Image.Image:
    """Light paper or table: a soft brightness slope with some blurred noise."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:SIZE, 0:SIZE] / SIZE
    light = 215 + 25 * (rng.uniform(-1, 1) * x + rng.uniform(-1, 1) * y)
    noise = Image.fromarray((128 + rng.normal(0, 40, (SIZE, SIZE))).clip(0, 255).astype(np.uint8))
    grain = np.asarray(noise.filter(ImageFilter.GaussianBlur(3)), dtype=float) - 128
    tint = np.array([1.0, 0.97, 0.9])  # a warm white
    rgb = (light + grain)[..., None] * tint
    return Image.fromarray(rgb.clip(0, 255).astype(np.uint8), "RGB")


def picture(name: str) -> Image.Image:
    shape, (left, top, right, bottom), seed = PICTURES[name]
    image = background(seed)
    draw = ImageDraw.Draw(image)
    width, height = (right - left) * SIZE, (bottom - top) * SIZE
    for polygon in SHAPES[shape]:
        points = [(left * SIZE + px * width, top * SIZE + py * height) for px, py in polygon]
        draw.polygon(points, fill=(48, 52, 70))  # a dark blue-grey item
    return image.filter(ImageFilter.GaussianBlur(1))


def png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def picture_names() -> list[str]:
    """Each picture's path in the examples zip (pictures/<name>.png), without drawing it."""
    return [f"{FOLDER}/{name}.png" for name in PICTURES]


@functools.cache
def picture_files() -> dict[str, bytes]:
    """Every picture by its path in the examples zip, drawn once a process (about a second)."""
    return {path: png(picture(Path(path).stem)) for path in picture_names()}


def digest() -> str:
    """SHA-256 over every picture's path and bytes."""
    sha = hashlib.sha256()
    for name, data in sorted(picture_files().items()):
        sha.update(name.encode() + b"\0" + data)
    return sha.hexdigest()


def write_pictures(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in picture_files().items():
        (folder / Path(name).name).write_bytes(data)


if __name__ == "__main__":
    write_pictures(Path(sys.argv[1] if len(sys.argv) > 1 else FOLDER))
