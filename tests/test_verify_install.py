"""The verify page: its keras.json blocks, and what it says about how Keras
picks a backend, checked against Keras itself."""

import json
import subprocess
import sys

import pytest

from harness.pages import DOCS, LANGUAGES, parse_page
from harness.lessons import BACKENDS
from install_pages import clean_env

PAGE = "verify_install.md"
SHOW_BACKEND = "import keras; print(keras.config.backend())"


def keras_json_fences():
    return [f for language in LANGUAGES for f in parse_page(DOCS / language / PAGE).fences if f.lang == "json"]


def backend_with(home, keras_json=None, **env):
    """The backend a fresh Python picks with this keras.json in this Keras home."""
    if keras_json is not None:
        (home / "keras.json").write_text(keras_json, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-c", SHOW_BACKEND], env=clean_env(**env), capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout.strip()


@pytest.fixture(scope="module")
def written_by_keras(tmp_path_factory):
    """The keras.json Keras writes on its first import, into ~/.keras when KERAS_HOME is unset."""
    home = tmp_path_factory.mktemp("home")
    env = clean_env(HOME=str(home))
    env.pop("KERAS_HOME", None)
    subprocess.run([sys.executable, "-c", "import keras"], env=env, check=True, capture_output=True, timeout=300)
    return json.loads((home / ".keras" / "keras.json").read_text(encoding="utf-8"))


def test_verify_install_shows_a_keras_json_per_backend():
    backends = [json.loads(f.code)["backend"] for f in keras_json_fences()]
    assert sorted(backends) == sorted(BACKENDS * len(LANGUAGES))


# The zh and en pages show the same blocks: each is run once.
@pytest.mark.parametrize("code", sorted({f.code for f in keras_json_fences()}), ids=lambda c: json.loads(c)["backend"])
def test_verify_install_keras_json_selects_its_backend(code, written_by_keras, tmp_path):
    """Each block is Keras's own file with only the backend changed, and a Keras
    home holding it makes Keras use that backend."""
    shown = json.loads(code)
    assert {**written_by_keras, "backend": shown["backend"]} == shown
    if shown["backend"] == "tensorflow":
        assert shown == written_by_keras
    assert backend_with(tmp_path, code, KERAS_HOME=str(tmp_path)) == shown["backend"]


def test_verify_install_environment_variable_beats_keras_json(tmp_path):
    keras_json = json.dumps({"backend": "torch"})
    assert backend_with(tmp_path, keras_json, KERAS_HOME=str(tmp_path), KERAS_BACKEND="jax") == "jax"


def test_verify_install_invalid_keras_json_is_silently_ignored(tmp_path):
    """The page warns that a file with a stray comma falls back to tensorflow."""
    invalid = '{"backend": "jax",}'
    with pytest.raises(ValueError):
        json.loads(invalid)
    assert backend_with(tmp_path, invalid, KERAS_HOME=str(tmp_path)) == "tensorflow"
