"""The verify page: its keras.json blocks, and what it says about how Keras
picks a backend, checked against Keras itself; the Python one-liners of every
page, the commands that set the backend, and the check script's options."""

import json
import re
import sys

import pytest

from harness.pages import DOCS, LANGUAGES, ROOT, parse_page
from harness.lessons import BACKENDS, KERAS_HOME, environment, run
from install_pages import promised_output
from shell import WINDOWS_LESSON, Command, Commands, block_environment, commands, later_in_block, shown

PAGE = "verify_install.md"
SHOW_BACKEND = "import keras; print(keras.config.backend())"


def keras_json_fences():
    return [f for language in LANGUAGES for f in parse_page(DOCS / language / PAGE).fences if f.lang == "json"]


def backend_with(home, keras_json=None, **env):
    """The backend a fresh Python picks with this keras.json in this Keras home."""
    if keras_json is not None:
        (home / "keras.json").write_text(keras_json, encoding="utf-8")
    result = run([sys.executable, "-c", SHOW_BACKEND], env=environment(**env))
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout.strip()


@pytest.fixture(scope="module")
def written_by_keras(tmp_path_factory):
    """The keras.json Keras writes on its first import, into ~/.keras when KERAS_HOME is unset."""
    home = tmp_path_factory.mktemp("home")
    env = environment(HOME=str(home))
    env.pop("KERAS_HOME", None)
    run([sys.executable, "-c", "import keras"], env=env, check=True)
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


# --- Python one-liners, on any page -----------------------------------------------

ONE_LINER = r'python3? -c "(?![^"]*torch\.cuda)[^"]+"'  # not the card check (test_installation_environments)
UNDER_A_BACKEND = r"KERAS_BACKEND=(tensorflow|jax|torch) "


def settings(cmd: Command) -> dict:
    """What a one-liner runs with: the variables its block sets before it, or
    its own KERAS_BACKEND=... prefix."""
    found = block_environment(cmd)
    if cmd.text.startswith("KERAS_BACKEND="):
        found["KERAS_BACKEND"] = cmd.argv[0].split("=", 1)[1]
    return found


def same_run(cmd: Command):
    return cmd.argv[-1], tuple(sorted(settings(cmd).items()))


def check_one_liner(blocks: Commands, tmp_path) -> None:
    """Run once, as a reader would (no KERAS_BACKEND unless the block sets one,
    a fresh Keras home), for every block that runs the same code with the same
    settings (bash, PowerShell and cmd tabs; zh and en pages): what it prints
    must include each block's `# ->` lines, in order."""
    code, env = blocks[0].argv[-1], settings(blocks[0])
    result = run([sys.executable, "-c", code], cwd=tmp_path, env=environment(KERAS_HOME=str(tmp_path), **env))
    assert result.returncode == 0, f"{blocks[0].where}: python -c {code!r} failed:\n{result.stderr[-3000:]}"
    printed = [line.rstrip() for line in result.stdout.splitlines()]
    for cmd in blocks:
        position = 0
        for text in promised_output(cmd.fence, cmd.text):
            assert text in printed[position:], f"{cmd.where}: promises {text!r}, printed {printed}"
            position = printed.index(text, position) + 1


@pytest.mark.parametrize("blocks", commands(f"({UNDER_A_BACKEND})?{ONE_LINER}", key=same_run))
def test_a_one_liner_prints_what_its_blocks_promise(blocks: Commands, tmp_path):
    check_one_liner(blocks, tmp_path)


def test_a_one_liner_that_prints_something_else_fails(tmp_path):
    wrong = shown('python -c "import keras; print(keras.config.backend())"', ["jax"], page=PAGE)  # it prints tensorflow
    with pytest.raises(AssertionError, match="promises 'jax'"):
        check_one_liner(Commands([wrong]), tmp_path)


SET_BACKEND = r'\$env:KERAS_BACKEND = "(tensorflow|jax|torch)"|set KERAS_BACKEND=(tensorflow|jax|torch)'


@pytest.mark.parametrize("twins", commands(SET_BACKEND))
def test_setting_the_backend_in_powershell_or_cmd_shows_its_effect(twins: Commands):
    """PowerShell and cmd.exe cannot run here. What is proved: the value is a
    backend, and a command after it in the block runs with KERAS_BACKEND set to
    it: a one-liner (run above with the variable set, printing what the block
    promises) or a lesson (test_reader_road.py runs every lesson under every backend)."""
    for cmd in twins:
        assert any(re.fullmatch(ONE_LINER, c) or re.fullmatch(WINDOWS_LESSON, c) for c in later_in_block(cmd)), (
            f"{cmd.where}: nothing after {cmd.text!r} in this block shows its effect"
        )


# --- the check script's options --------------------------------------------------


@pytest.mark.parametrize("same", commands(r"python3? tools/check_install\.py(?: --network| --lang (?:zh|en))+",
                                          key=lambda cmd: cmd.text))
def test_the_check_script_runs_with_the_options_shown(same: Commands, tmp_path):
    """Run as shown. With --network every host is made unreachable (a proxy that
    refuses), so the check is fast and the same everywhere: it must report
    each host without a traceback and still exit 0."""
    argv = same[0].argv
    env = environment(KERAS_HOME=str(KERAS_HOME), HTTPS_PROXY="http://127.0.0.1:9", HTTP_PROXY="http://127.0.0.1:9")
    result = run([sys.executable, ROOT / argv[1], *argv[2:]], cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    if "--network" in argv:
        assert "storage.googleapis.com" in result.stdout and "TUNA" in result.stdout, result.stdout
    if "--lang" in argv:
        title = {"zh": "Keras 安装检查", "en": "Keras install check"}[argv[argv.index("--lang") + 1]]
        assert result.stdout.startswith(title), result.stdout
