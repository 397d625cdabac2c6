"""The check script (tools/check_install.py): each problem it looks for,
simulated, gives its message and the right exit code.

tests/test_reader_road.py runs it with no arguments under every backend (it must
exit 0 there). Here, most problems are simulated by handing main()
the facts it would otherwise look up (a 32-bit Python, a missing package…);
the ones the environment can really produce (an unknown backend, a damaged
dataset file, a missing package, a host that does not answer) are produced.
"""

from __future__ import annotations

import ast
import json
import os
import sys
from importlib import metadata

import pytest

import check_install
from doctor import keras_setup, system
from doctor_facts import EVERYTHING, check, healthy, levels, run_script
from harness.pages import EXAMPLES
from harness.site import free_port
from install_pages import isolated_pip_env, pip, venv_without


def own_home(keras_json=None, **environ):
    """The change to a Keras home of the test's own (tmp_path: no Fashion-MNIST
    files there), holding this keras.json, with these variables set."""
    def change(tmp_path):
        if keras_json is not None:
            (tmp_path / "keras.json").write_text(keras_json)
        return {"environ": {"KERAS_HOME": str(tmp_path), **environ}}
    return change


# One fact changed (a dict, or a function of tmp_path giving it): the exit
# code, the phrases the doctor must say, and those it must not.
@pytest.mark.parametrize("change, exit_code, said, not_said", [
    pytest.param({}, 0, ("Result: nothing found",), ("[FAIL]",), id="healthy"),
    pytest.param({"versions": dict(EVERYTHING, keras=None)}, 1,
                 ("[FAIL] keras is not installed. Run: pip install keras",), (), id="keras-missing"),
    pytest.param({"versions": dict(EVERYTHING, keras="2.15.0")}, 1, ("keras 2.15.0 is Keras 2",), (), id="keras-2"),
    pytest.param({"versions": dict(EVERYTHING, matplotlib=None)}, 1,
                 ("[FAIL] matplotlib is not installed; the guide's examples use it. Run: pip install matplotlib",),
                 ("[FAIL] keras",), id="matplotlib-missing"),
    pytest.param({"versions": dict(EVERYTHING, jax=None, torch=None)}, 0,
                 ("[info] jax is not installed",), (), id="optional-backends-missing"),
    pytest.param(own_home(KERAS_BACKEND="openvino"), 1, ("can run models but not train them",), (),
                 id="inference-only-backend"),
    pytest.param(own_home('{"backend": "jax",}'), 0,
                 ("is not valid JSON", "Backend: tensorflow (the default)"), (), id="invalid-keras-json"),
    pytest.param({"probe": {"timeout": 300}}, 1, ("took more than 300 seconds",), (), id="probe-timeout"),
    pytest.param(own_home(), 0, ("[warn] Fashion-MNIST: 4 file(s) missing",), (), id="dataset-missing"),
    # no --network: a host that would not answer is never tried
    pytest.param(lambda tmp_path: {"hosts": {"storage.googleapis.com": f"http://127.0.0.1:{free_port()}/"}, "timeout": 1},
                 0, ("Network not checked",), ("does not answer",), id="network-is-opt-in"),
])
def test_check_install_simulated_problem(tmp_path, capsys, change, exit_code, said, not_said):
    code, out = check(healthy(tmp_path, **(change(tmp_path) if callable(change) else change)), capsys)
    assert code == exit_code, out
    for phrase in said:
        assert phrase in out, out
    for phrase in not_said:
        assert phrase not in out, out


# --- 1. Python ----------------------------------------------------------------


@pytest.mark.parametrize("version, bits, key, words", [
    ((3, 12, 4), 32, "python_32bit", "is 32-bit"),
    ((3, 14, 0), 64, "python_too_new", "is too new"),
    ((3, 10, 12), 64, "python_too_old", "is too old"),
])
def test_check_install_wrong_python_fails(tmp_path, capsys, version, bits, key, words):
    assert system.check_python(version, bits)[0][:2] == ("fail", key)
    code, out = check(healthy(tmp_path, python=version, bits=bits), capsys)
    assert code == 1
    assert f"[FAIL] Python {'.'.join(map(str, version))} {words}" in out
    assert "Install 64-bit Python 3.11 to 3.13" in out or "Install Python 3.11 to 3.13" in out


@pytest.mark.parametrize("version", [(3, 11, 0), (3, 13, 9)])
def test_check_install_python_window_edges_are_fine(version):
    assert system.check_python(version, 64) == [("ok", "python_ok", {"version": ".".join(map(str, version)), "low": "3.11", "high": "3.13"})]


# --- 2. Operating system ----------------------------------------------------------


def test_check_install_operating_systems():
    assert system.check_os("Linux", "5.15.167.4-microsoft-standard-WSL2", "x86_64")[0][1] == "os_wsl"
    assert levels(system.check_os("Windows", "10", "AMD64")) == ["ok", "info"]
    assert levels(system.check_os("Darwin", "23.1.0", "x86_64")) == ["ok", "warn", "info"]
    assert levels(system.check_os("Darwin", "23.1.0", "arm64")) == ["ok", "info"]
    assert levels(system.check_os("Linux", "6.8.0", "aarch64")) == ["ok"]


def test_check_install_windows_on_arm_with_an_arm_python(tmp_path, capsys):
    """No backend has a win_arm64 installer on PyPI (tests/test_common_errors.py
    asks PyPI): the reader is told so, and where to go, in both languages."""
    facts = healthy(tmp_path, system="Windows", release="11", machine="ARM64", windows_architectures=("ARM64", "ARM64"))
    code, out = check(facts, capsys)
    assert code == 0, out  # a warning: the backend check says whether anything imports
    assert "[warn] This is Windows on ARM, with an ARM Python." in out
    assert "Use WSL2" in out and "py install 3.13-64" in out and "py -V:3.13-64 -m venv .venv" in out
    code = check_install.main(["--lang", "zh"], facts=facts)
    out = capsys.readouterr().out
    assert "[注意] 这是 ARM 处理器的 Windows，Python 也是 ARM 版的。" in out and "WSL2" in out


def test_check_install_windows_on_arm_with_an_emulated_x64_python(tmp_path, capsys):
    facts = healthy(tmp_path, system="Windows", release="11", machine="ARM64", windows_architectures=("AMD64", "ARM64"))
    code, out = check(facts, capsys)
    assert code == 0, out
    assert "[info] This is Windows on ARM; this x64 Python runs through Windows' emulator" in out
    assert "AVX" in out


def test_check_install_other_computers_are_not_windows_on_arm(tmp_path, capsys):
    assert system.check_windows_arm(None) == []
    assert system.check_windows_arm(("AMD64", "AMD64")) == []
    assert system.check_windows_arm(("x86", "ARM64")) == []  # 32-bit: the Python check fails it already
    assert system.windows_architectures() is None  # this machine is not Windows
    code, out = check(healthy(tmp_path, system="Windows", release="11", machine="AMD64",
                              windows_architectures=("AMD64", "AMD64")), capsys)
    assert "Windows on ARM" not in out


def test_check_install_reads_the_architectures_of_windows(monkeypatch):
    """Off Windows, IsWow64Process2 cannot be called; with it missing the
    function falls back to platform.machine(), as on an old Windows."""
    monkeypatch.setattr(system.sys, "platform", "win32")
    monkeypatch.setattr(system.sysconfig, "get_platform", lambda: "win-amd64")
    monkeypatch.setattr(system.platform, "machine", lambda: "ARM64")
    assert system.windows_architectures() == ("AMD64", "ARM64")
    monkeypatch.setattr(system.sysconfig, "get_platform", lambda: "win-arm64")
    assert system.check_windows_arm(system.windows_architectures())[0][:2] == ("warn", "windows_arm64_native")


def test_check_install_names_the_python_the_installation_page_names():
    """The doctor's commands for an x64 Python are the installation page's."""
    from install_pages import section_lines

    for language in ("zh", "en"):
        text = "\n".join(section_lines(language, "installation.md", "windows-on-arm"))
        high = "%d.%d" % system.PYTHON_MAX
        assert f"`py install {high}-64`" in text and f"`py -V:{high}-64 -m venv .venv`" in text


# --- 3. The pip index -------------------------------------------------------------


def test_check_install_reads_the_index_from_pip_itself(tmp_path, monkeypatch):
    """pip_config() asks pip; the page's `pip config set` shows up, then an
    environment variable wins over it, as pip itself decides."""
    url = "https://pypi.tuna.tsinghua.edu.cn/simple"
    env = isolated_pip_env(tmp_path)
    pip(["pip", "config", "set", "global.index-url", url], env, check=True)
    for name in list(os.environ):
        if name not in env:
            monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    found = system.check_pip_index(system.pip_config())
    assert found[0] == ("ok", "pip_index", {"url": url, "source": "pip config global.index-url"})
    monkeypatch.setenv("PIP_INDEX_URL", "https://mirrors.ustc.edu.cn/pypi/simple")
    found = system.check_pip_index(system.pip_config())
    assert found[0] == ("ok", "pip_index", {"url": "https://mirrors.ustc.edu.cn/pypi/simple", "source": "PIP_INDEX_URL"})


def test_check_install_pip_index_problems(tmp_path, capsys):
    assert levels(system.check_pip_index({})) == ["info"]
    assert system.check_pip_index({"global.index-url": "http://pypi.example.cn/simple"})[1][1] == "pip_index_http"
    assert system.check_pip_index({"global.index-url": "https://pypi.douban.com/simple/"})[1][1] == "pip_index_douban"
    # pip itself missing is worth a warning, not a failure: the examples may still run
    code, out = check(healthy(tmp_path, pip_config="No module named pip"), capsys)
    assert code == 0 and "[warn] Cannot run pip (No module named pip)" in out


# --- 4. Packages --------------------------------------------------------------------


def test_check_install_sees_the_installed_versions():
    assert keras_setup.installed_versions() == {name: metadata.version(name) for name in EVERYTHING}


def imported_packages(path):
    """The top-level modules a Python file imports, wherever in the file."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_check_install_lesson_packages_are_what_the_examples_import():
    """The doctor's list (it ships without the examples) is exactly what
    examples/*.py import, less Python's own modules and the backends; each
    import name maps to the pip package that provides it."""
    imported = set().union(*(imported_packages(path) for path in sorted(EXAMPLES.glob("*.py"))))
    assert {"keras", "matplotlib"} <= imported  # the parse sees the lessons' imports
    wanted = imported - set(sys.stdlib_module_names) - set(keras_setup.BACKENDS)
    assert set(keras_setup.LESSON_PACKAGES) == wanted
    provided_by = metadata.packages_distributions()
    for module, package in keras_setup.LESSON_PACKAGES.items():
        assert package in provided_by[module], (module, package, provided_by[module])


def test_check_install_missing_lesson_package_fails(tmp_path):
    """In a virtual environment without Matplotlib, as after the old
    `pip install tensorflow keras`: the doctor names it and its command."""
    python = venv_without(tmp_path / "without-matplotlib", "matplotlib")
    code, out = run_script(python=python, KERAS_HOME=str(tmp_path))
    assert code == 1, out
    assert "[FAIL] matplotlib is not installed; the guide's examples use it. Run: pip install matplotlib" in out
    assert "[ok]   numpy " in out and "Backend: tensorflow (the default), imports fine" in out


def test_check_install_missing_lesson_package_in_chinese(tmp_path, capsys):
    code = check_install.main(["--lang", "zh"], facts=healthy(tmp_path, versions=dict(EVERYTHING, numpy=None)))
    out = capsys.readouterr().out
    assert code == 1
    assert "[错误] 没有安装 numpy，本指南的例子要用它。运行：pip install numpy" in out


# --- 5. The backend -------------------------------------------------------------------


def test_check_install_unknown_backend_fails():
    code, out = run_script(KERAS_BACKEND="theano")
    assert code == 1
    assert "[FAIL] The backend theano (from KERAS_BACKEND) is not a Keras 3 backend." in out


def test_check_install_backend_from_keras_json(tmp_path, capsys):
    (tmp_path / "keras.json").write_text(json.dumps({"backend": "cntk"}))
    facts = healthy(tmp_path, environ={"KERAS_HOME": str(tmp_path)})
    code, out = check(facts, capsys)
    assert code == 1 and f"The backend cntk (from {tmp_path / 'keras.json'})" in out
    facts["environ"]["KERAS_BACKEND"] = "jax"  # the variable beats the file, as in Keras
    assert keras_setup.backend_setting(facts["environ"], str(tmp_path))[:2] == ("jax", "KERAS_BACKEND")


@pytest.fixture(scope="module")
def without_tensorflow(tmp_path_factory):
    return venv_without(tmp_path_factory.mktemp("venv") / "without-tf", "tensorflow")


def test_check_install_missing_backend_package_fails(without_tensorflow, tmp_path):
    """In a virtual environment without TensorFlow, the default backend cannot import."""
    code, out = run_script(python=without_tensorflow, KERAS_HOME=str(tmp_path))
    assert code == 1, out
    assert "[info] tensorflow is not installed" in out
    assert "[FAIL] The backend tensorflow (the default) failed to import:" in out
    assert "ModuleNotFoundError: No module named 'tensorflow'" in out
    assert "Install it: pip install tensorflow" in out


def test_check_install_other_backend_without_tensorflow_is_fine(without_tensorflow):
    code, out = run_script(python=without_tensorflow, KERAS_BACKEND="jax")
    assert code == 0, out
    assert "Backend: jax (from KERAS_BACKEND), imports fine" in out
    assert "TensorFlow was built" not in out


