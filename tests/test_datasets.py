"""Fashion-MNIST loads with no network, through the unchanged Keras call."""

import json
import subprocess
import sys

from harness.lessons import KERAS_HOME, example_env

LOAD = """
import json, keras, numpy as np
(x_train, y_train), (x_test, y_test) = keras.datasets.fashion_mnist.load_data()
print(json.dumps({
    "x_train": list(x_train.shape), "y_train": list(y_train.shape),
    "x_test": list(x_test.shape), "y_test": list(y_test.shape),
    "dtype": str(x_train.dtype), "labels": sorted(set(np.unique(y_train).tolist()) | set(np.unique(y_test).tolist())),
    "pixels": [int(x_train.min()), int(x_train.max())],
}))
"""


def test_fashion_mnist_loads_offline(tmp_path):
    files = sorted(p.name for p in (KERAS_HOME / "datasets" / "fashion-mnist").glob("*.gz"))
    assert len(files) == 4, (
        f"{KERAS_HOME}/datasets/fashion-mnist holds {files}: the test command fills it "
        "(see README); run it, or python tools/install_fashion_mnist.py FOLDER"
    )
    # No proxy and an unroutable one: any download attempt would fail loudly.
    env = example_env("jax", tmp_path, HTTPS_PROXY="http://127.0.0.1:9", HTTP_PROXY="http://127.0.0.1:9")
    result = subprocess.run([sys.executable, "-c", LOAD], env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    data = json.loads(result.stdout.strip().splitlines()[-1])
    assert data["x_train"] == [60000, 28, 28] and data["y_train"] == [60000]
    assert data["x_test"] == [10000, 28, 28] and data["y_test"] == [10000]
    assert data["dtype"] == "uint8" and data["pixels"] == [0, 255]
    assert data["labels"] == list(range(10))
