"""What the tests share: the backends, the Keras cache, the environment of a run."""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BACKENDS = ("tensorflow", "jax", "torch")

# The test command fills this cache with Fashion-MNIST before the tests run
# (examples/install_fashion_mnist.py); KERAS_HOME set by the caller wins.
KERAS_HOME = Path(os.environ.get("KERAS_HOME") or ROOT / ".cache" / "keras")

SMOKE = {"KERAS_MAX_EPOCHS": "1", "KERAS_MAX_STEPS_PER_EPOCH": "2"}


def example_env(backend, tmp_path, **extra):
    """The environment of one example run: its backend, smoke mode, no display."""
    env = dict(os.environ)
    env.update(SMOKE)
    env.update(
        KERAS_BACKEND=backend,
        KERAS_HOME=str(KERAS_HOME),
        MPLBACKEND="Agg",
        MPLCONFIGDIR=str(tmp_path / "matplotlib"),
        TF_CPP_MIN_LOG_LEVEL="2",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env
