"""The chapter "Your own picture": what its script says to a reader who adapts
it, and that its published run is the one the page tells.

tests/test_reader_road.py runs the script on every backend (after the image
lesson, in the same folder) and as copied from the page.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from benchmarks.fashion_mnist import training_code_digest
from harness import EXAMPLES
from harness.lessons import example_env, run
from harness.outputs import GENERATED
from harness.pictures import digest, write_pictures

SCRIPT = EXAMPLES / "own_picture.py"
PICTURE_LINE = 'PICTURE = "pictures/sneaker.png"'


def published(stem: str) -> dict:
    return json.loads((GENERATED / stem / "results.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """A reader's folder: the pictures, and a model file of the right shape
    (untrained: these tests are about the script's messages, not its answers)."""
    import keras

    path = tmp_path_factory.mktemp("own-picture")
    write_pictures(path / "pictures")
    model = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Flatten(), keras.layers.Dense(10, "softmax")])
    model.save(path / "fashion_mnist_cnn.keras")
    (path / "notes.png").write_text("not a picture", encoding="utf-8")
    return path


def run_with_picture(folder, picture: str) -> subprocess.CompletedProcess:
    source = SCRIPT.read_text(encoding="utf-8")
    assert PICTURE_LINE in source, f"{SCRIPT.name} no longer has the line a reader edits: {PICTURE_LINE}"
    script = folder / f"adapted_{abs(hash(picture))}.py"
    script.write_text(source.replace(PICTURE_LINE, f"PICTURE = {picture!r}"), encoding="utf-8")
    return run([sys.executable, script], cwd=folder, env=example_env("tensorflow", folder))


@pytest.mark.parametrize("picture, message", [
    ("pictures/sneakers.png", "找不到图片文件 / No such picture file: pictures/sneakers.png"),
    ("notes.png", "这个文件不是图片 / Not a picture file: notes.png"),
])
def test_a_wrong_picture_gets_one_sentence_not_a_traceback(folder, picture, message):
    done = run_with_picture(folder, picture)
    assert done.returncode == 1, done.stderr[-2000:]
    assert done.stderr.strip().splitlines()[-1] == message
    assert "Traceback" not in done.stderr, done.stderr[-2000:]


def test_without_the_model_it_names_the_image_lesson(tmp_path):
    done = run([sys.executable, SCRIPT], cwd=tmp_path, env=example_env("tensorflow", tmp_path))
    assert done.returncode == 1, done.stderr[-2000:]
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    last = done.stderr.strip().splitlines()[-1]
    assert "fashion_mnist_cnn.keras" in last and "图像分类" in last and "image classification" in last, last


def test_the_published_run_used_the_current_image_lesson_and_pictures():
    """The page's answers come from the model the image lesson's published
    run trained (python -m harness.outputs image_classification keeps it),
    with the pictures harness/pictures.py draws today."""
    results = published("own_picture")
    made = results["model_from"]
    assert made["training_code_sha256"] == training_code_digest(EXAMPLES / "image_classification.py"), (
        "the image lesson's training changed since own_picture's outputs were made: "
        "python -m harness.outputs image_classification own_picture")
    assert made["test_accuracy"] == published("image_classification")["test_accuracy"], made
    assert made["pictures_sha256"] == digest(), "harness/pictures.py changed: python -m harness.outputs own_picture"


def test_the_published_run_tells_the_pages_story():
    """The pages say: wrong on the sneaker until the background is cleaned,
    more pictures right after cleaning, and the small off-centre sneaker still
    wrong. A new model could change that; then the pages must change too."""
    results = published("own_picture")
    said = results["said"]
    assert results["top1_class"] == said["sneaker"]["class"] != "Sneaker", said["sneaker"]
    assert results["clean_top1_class"] == said["sneaker"]["clean_class"] == "Sneaker", said["sneaker"]
    assert said["sneaker_small"]["clean_class"] != "Sneaker", said["sneaker_small"]
    assert results["right_before"] < results["right_after"] < results["pictures"], results
