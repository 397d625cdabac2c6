"""What the tests of the install doctor (tools/check_install.py, its checks in
tools/doctor/) share: the facts of a healthy computer, and ways to run it; and,
with the tests of tools/install_fashion_mnist.py, the four good Fashion-MNIST files."""

from __future__ import annotations

import shutil
import sys

import check_install
from harness import TOOLS
from harness.lessons import KERAS_HOME, environment, run
from tools import install_fashion_mnist as fashion_mnist

SCRIPT = TOOLS / "check_install.py"
CACHED = KERAS_HOME / "datasets" / "fashion-mnist"
FASHION_MNIST_FILES = sorted(fashion_mnist.FILES)

GOOD_PROBE = {"version": "3.15.1", "backend": "tensorflow", "gpus": []}
EVERYTHING = {
    "keras": "3.15.1", "numpy": "2.4.6", "matplotlib": "3.11.2", "pillow": "13.0.0", "tensorflow": "2.21.0", "jax": "0.10.2", "torch": "2.13.0",
}


def healthy(tmp_path, **changes):
    """The facts of a computer where everything is fine; ``changes`` break one."""
    facts = {
        "python": (3, 12, 4), "bits": 64,
        "system": "Linux", "release": "6.8.0", "machine": "x86_64", "windows_architectures": None,
        "pip_config": {},
        "versions": dict(EVERYTHING),
        "environ": {"KERAS_HOME": str(KERAS_HOME)},
        "home": str(tmp_path),
        "probe": dict(GOOD_PROBE),
        "tf_build": {"is_cuda_build": True, "cuda_version": "12.5.1", "cudnn_version": "9"},
    }
    facts.update(changes)
    return facts


def check(facts, capsys, *argv):
    code = check_install.main(["--lang", "en", *argv], facts=facts)
    return code, capsys.readouterr().out


def levels(found):
    return [level for level, _, _ in found]


def copy_fashion_mnist(folder):
    """The test cache's four good files, copied into a new folder; returns it."""
    found = sorted(p.name for p in CACHED.glob("*-ubyte.gz"))
    assert found == FASHION_MNIST_FILES, f"the test cache {CACHED} is not filled (see README)"
    folder.mkdir(parents=True)
    for name in FASHION_MNIST_FILES:
        shutil.copy(CACHED / name, folder / name)
    return folder


def run_script(*argv, python=sys.executable, **env):
    result = run([python, SCRIPT, "--lang", "en", *argv], env=environment(**{"KERAS_HOME": str(KERAS_HOME), **env}))
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    return result.returncode, result.stdout
