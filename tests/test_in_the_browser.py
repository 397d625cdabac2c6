"""The chapter "Try the model in your browser" (docs/*/in_the_browser.md) in Chromium.

CI has no published .keras model, so a tiny model is trained here (a few
steps, in its own process: Keras fixes its backend at import), exported to
ONNX as examples/export_onnx.py exports, and served to the page in place of
the published file (Playwright's page.route). Then, in one page load per
language: nothing of the runtime or the model is fetched before Start; after
it, Fashion-MNIST test images go through the file input, the page's own input
path, and the page's ten probabilities agree with Keras's; a drawn stroke
gives a 28 x 28 input in [0, 1]; Start works from the keyboard; the class
names are in the page's language. The open_tab fixture fails the test on any
request to another host, failed request or console error.
"""

from __future__ import annotations

import sys
import time

import numpy as np
import pytest

from harness.lessons import example_env, run
from harness.site import CJK, SUMMARY, SitePage
from harness.pages import DOCS

IMAGES = 24
TOLERANCE = 1e-4
# What only Start may fetch: the runtime's files and the model.
RUNTIME = ("ort.wasm.min.js", "ort-wasm-simd-threaded.mjs", "ort-wasm-simd-threaded.wasm", ".onnx")
TRAIN = f"""
import sys
from pathlib import Path
import numpy as np
import keras

out = Path(sys.argv[1])
keras.utils.set_random_seed(0)
(x_train, y_train), (x_test, _) = keras.datasets.fashion_mnist.load_data()
model = keras.Sequential([
    keras.Input(shape=(28, 28, 1)),
    keras.layers.Conv2D(8, 3, activation="relu"),
    keras.layers.MaxPooling2D(2),
    keras.layers.Flatten(),
    keras.layers.Dense(10, activation="softmax"),
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(x_train[:3000, ..., None] / 255, y_train[:3000], epochs=1, batch_size=100, verbose=0)
images = x_test[:{IMAGES}]
probabilities = model.predict(images[..., None].astype("float32") / 255, verbose=0)
np.savez(out / "expected.npz", images=images, probabilities=probabilities)
model.export(str(out / "tiny.onnx"), format="onnx",
             input_signature=[keras.InputSpec(shape=(None, 28, 28, 1), dtype="float32")])
"""

DEMO = "document.querySelector('.browser-demo')"
RESOURCES = """() => [performance.getEntriesByType("navigation")[0], ...performance.getEntriesByType("resource")]
    .map((entry) => ({url: entry.name, bytes: entry.transferSize}))"""


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory):
    """A tiny CNN trained for a few steps, as ONNX, with Keras's probabilities
    for the first Fashion-MNIST test images, and those images as the PNG files
    a reader would pick: a dark item on white (the page inverts it back)."""
    from PIL import Image

    folder = tmp_path_factory.mktemp("tiny-model")
    env = example_env("tensorflow", folder, smoke=False)
    result = run([sys.executable, "-c", TRAIN, str(folder)], env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    expected = np.load(folder / "expected.npz")
    pictures = []
    for n, image in enumerate(expected["images"]):
        path = folder / f"test_{n}.png"
        Image.fromarray(255 - image, mode="L").save(path)
        pictures.append(path)
    return {"onnx": (folder / "tiny.onnx").read_bytes(), "pictures": pictures,
            "probabilities": expected["probabilities"]}


def open_demo(open_tab, language, model):
    """The chapter in a fresh tab, the tiny model served in place of the published one."""
    tab = open_tab()
    tab.page.route("**/generated/in_the_browser/fashion_mnist_cnn.onnx",
                   lambda route: route.fulfill(body=model, content_type="application/octet-stream"))
    fetched = []
    tab.page.on("request", lambda request: fetched.append(request.url))
    loaded = tab.open(SitePage(language, DOCS / language / "in_the_browser.md").path)
    return tab, loaded, fetched


def runtime_requests(urls):
    return [url for url in urls if any(url.split("?")[0].endswith(name) for name in RUNTIME)]


def start(loaded):
    """Press Start from the keyboard, with a focus ring one can see, and wait for the model."""
    button = loaded.locator(".browser-demo [data-part=start]")
    button.focus()
    outline = button.evaluate("(b) => getComputedStyle(b).outlineStyle")
    assert outline not in ("none", ""), "the Start button shows no focus ring"
    loaded.keyboard.press("Enter")
    loaded.wait_for_function(f"{DEMO}.classList.contains('browser-demo--ready')", timeout=30_000)


def pick(loaded, path, run):
    """A picture through the file input, as a reader picks one; returns what the page ran."""
    loaded.locator(".browser-demo [data-part=file]").set_input_files(str(path))
    loaded.wait_for_function(f"({DEMO}.lastRun || {{}}).runs === {run}")
    return loaded.evaluate(f"{DEMO}.lastRun")


def test_the_page_runs_the_model_as_keras_does(open_tab, tiny_model, record_property):
    started = time.monotonic()
    tab, loaded, fetched = open_demo(open_tab, "zh", tiny_model["onnx"])
    assert not runtime_requests(fetched), f"fetched before Start: {runtime_requests(fetched)}"
    before = sum(r["bytes"] for r in loaded.evaluate(RESOURCES))
    start(loaded)
    assert set(map(lambda url: url.rsplit("/", 1)[-1], runtime_requests(fetched))) == {
        "ort.wasm.min.js", "ort-wasm-simd-threaded.mjs", "ort-wasm-simd-threaded.wasm", "fashion_mnist_cnn.onnx"}

    # A stroke drawn with the mouse: the 28 x 28 input, in [0, 1], the pen near 1.
    box = loaded.locator(".browser-demo [data-part=pad]").bounding_box()
    loaded.mouse.move(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.2)
    loaded.mouse.down()
    for k in range(1, 11):
        loaded.mouse.move(box["x"] + box["width"] * 0.3 + k * box["width"] * 0.04, box["y"] + box["height"] * (0.2 + k * 0.06))
    loaded.mouse.up()
    loaded.wait_for_function(f"({DEMO}.lastRun || {{}}).runs === 1")
    drawn = np.array(loaded.evaluate(f"{DEMO}.lastRun.input"))
    assert drawn.shape == (28 * 28,) and drawn.min() >= 0 and drawn.max() <= 1, (drawn.min(), drawn.max())
    assert (drawn > 0.95).sum() >= 10 and (drawn == 0).sum() >= 28 * 28 // 2, "the stroke is not a light line on black"

    # Fashion-MNIST test images through the page's own input path.
    largest = 0.0
    for n, path in enumerate(tiny_model["pictures"]):
        ran = pick(loaded, path, n + 2)
        page, keras_ = np.array(ran["probabilities"]), tiny_model["probabilities"][n]
        assert page.argmax() == keras_.argmax(), f"image {n}: the page says {page.argmax()}, Keras {keras_.argmax()}"
        largest = max(largest, float(np.abs(page - keras_).max()))
    assert largest < TOLERANCE, f"the page's probabilities differ from Keras's by up to {largest}"

    # Ten bars, labelled in Chinese, the likeliest one marked.
    rows = loaded.locator(".browser-demo__bars li")
    assert rows.count() == 10 and all(CJK.search(rows.nth(i).inner_text()) for i in (1, 8))
    assert loaded.locator(".browser-demo__top").count() == 1
    after = sum(r["bytes"] for r in loaded.evaluate(RESOURCES))
    record_property(SUMMARY, [f"in_the_browser: {len(tiny_model['pictures'])} images, page vs Keras within {largest:.1e}; "
                              f"the page downloaded {before / 1e6:.2f} MB before Start and {after / 1e6:.2f} MB after "
                              f"(uncompressed server; {time.monotonic() - started:.1f} s)"])
    tab.assert_clean("/in_the_browser/")


def test_the_english_page_speaks_english(open_tab, tiny_model):
    tab, loaded, fetched = open_demo(open_tab, "en", tiny_model["onnx"])
    assert not runtime_requests(fetched), f"fetched before Start: {runtime_requests(fetched)}"
    assert loaded.locator(".browser-demo [data-part=offline]").is_hidden()
    start(loaded)
    pick(loaded, tiny_model["pictures"][0], 1)
    labels = loaded.locator(".browser-demo__bars li .browser-demo__label").all_inner_texts()
    assert labels[0] == "T-shirt/top" and labels[9] == "Ankle boot" and not any(CJK.search(t) for t in labels)
    status = loaded.locator(".browser-demo [data-part=status]").inner_text()
    assert status.startswith("The model says this is") and not CJK.search(status), status


def test_from_a_file_the_demo_says_how_to_serve_the_folder(browser, site):
    """Opened from disk (the offline copy), the page cannot fetch the wasm: it says so, and fetches nothing."""
    context = browser.new_context()
    try:
        page = context.new_page()
        fetched = []
        page.on("request", lambda request: fetched.append(request.url))
        page.goto((site / "en" / "in_the_browser" / "index.html").as_uri(), wait_until="load")
        note = page.locator(".browser-demo [data-part=offline]")
        assert note.is_visible() and "python -m http.server" in note.inner_text()
        assert page.locator(".browser-demo [data-part=start]").is_disabled()
        assert not runtime_requests(fetched), runtime_requests(fetched)
    finally:
        context.close()
