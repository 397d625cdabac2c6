"""The check script (tools/check_install.py): each problem it looks for,
simulated, gives its message and the right exit code.

tests/test_examples.py runs it with no arguments under every backend (it must
exit 0 there). Here, most problems are simulated by handing main()
the facts it would otherwise look up (a 32-bit Python, a missing package…);
the ones the environment can really produce (an unknown backend, a damaged
dataset file, a missing package, a host that does not answer) are produced.
"""

from __future__ import annotations

import gzip
import http.server
import json
import shutil
import socket
import subprocess
import sys
import threading
import time

import pytest

from harness import TOOLS
from harness.lessons import KERAS_HOME
from install_pages import clean_env, isolated_pip_env, pip, venv_without

from tools import check_install as doctor  # noqa: E402
from tools import install_fashion_mnist as tool  # noqa: E402

SCRIPT = TOOLS / "check_install.py"

GOOD_PROBE = {"version": "3.15.1", "backend": "tensorflow", "gpus": []}
EVERYTHING = {"keras": "3.15.1", "tensorflow": "2.21.0", "jax": "0.10.2", "torch": "2.13.0"}


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
    code = doctor.main(["--lang", "en", *argv], facts=facts)
    return code, capsys.readouterr().out


def levels(found):
    return [level for level, _, _ in found]


def test_check_install_healthy_computer_exits_0(tmp_path, capsys):
    code, out = check(healthy(tmp_path), capsys)
    assert code == 0, out
    assert "[FAIL]" not in out and "Result: nothing found" in out


# --- 1. Python ----------------------------------------------------------------


@pytest.mark.parametrize("version, bits, key, words", [
    ((3, 12, 4), 32, "python_32bit", "is 32-bit"),
    ((3, 14, 0), 64, "python_too_new", "is too new"),
    ((3, 10, 12), 64, "python_too_old", "is too old"),
])
def test_check_install_wrong_python_fails(tmp_path, capsys, version, bits, key, words):
    assert doctor.check_python(version, bits)[0][:2] == ("fail", key)
    code, out = check(healthy(tmp_path, python=version, bits=bits), capsys)
    assert code == 1
    assert f"[FAIL] Python {'.'.join(map(str, version))} {words}" in out
    assert "Install 64-bit Python 3.11 to 3.13" in out or "Install Python 3.11 to 3.13" in out


@pytest.mark.parametrize("version", [(3, 11, 0), (3, 13, 9)])
def test_check_install_python_window_edges_are_fine(version):
    assert doctor.check_python(version, 64) == [("ok", "python_ok", {"version": ".".join(map(str, version)), "low": "3.11", "high": "3.13"})]


# --- 2. Operating system ----------------------------------------------------------


def test_check_install_operating_systems():
    assert doctor.check_os("Linux", "5.15.167.4-microsoft-standard-WSL2", "x86_64")[0][1] == "os_wsl"
    assert levels(doctor.check_os("Windows", "10", "AMD64")) == ["ok", "info"]
    assert levels(doctor.check_os("Darwin", "23.1.0", "x86_64")) == ["ok", "warn", "info"]
    assert levels(doctor.check_os("Darwin", "23.1.0", "arm64")) == ["ok", "info"]
    assert levels(doctor.check_os("Linux", "6.8.0", "aarch64")) == ["ok"]


def test_check_install_windows_on_arm_with_an_arm_python(tmp_path, capsys):
    """No backend has a win_arm64 installer on PyPI (tests/test_common_errors.py
    asks PyPI): the reader is told so, and where to go, in both languages."""
    facts = healthy(tmp_path, system="Windows", release="11", machine="ARM64", windows_architectures=("ARM64", "ARM64"))
    code, out = check(facts, capsys)
    assert code == 0, out  # a warning: the backend check says whether anything imports
    assert "[warn] This is Windows on ARM, with an ARM Python." in out
    assert "Use WSL2" in out and "py install 3.13-64" in out and "py -V:3.13-64 -m venv .venv" in out
    code = doctor.main(["--lang", "zh"], facts=facts)
    out = capsys.readouterr().out
    assert "[注意] 这是 ARM 处理器的 Windows，Python 也是 ARM 版的。" in out and "WSL2" in out


def test_check_install_windows_on_arm_with_an_emulated_x64_python(tmp_path, capsys):
    facts = healthy(tmp_path, system="Windows", release="11", machine="ARM64", windows_architectures=("AMD64", "ARM64"))
    code, out = check(facts, capsys)
    assert code == 0, out
    assert "[info] This is Windows on ARM; this x64 Python runs through Windows' emulator" in out
    assert "AVX" in out


def test_check_install_other_computers_are_not_windows_on_arm(tmp_path, capsys):
    assert doctor.check_windows_arm(None) == []
    assert doctor.check_windows_arm(("AMD64", "AMD64")) == []
    assert doctor.check_windows_arm(("x86", "ARM64")) == []  # 32-bit: the Python check fails it already
    assert doctor.windows_architectures() is None  # this machine is not Windows
    code, out = check(healthy(tmp_path, system="Windows", release="11", machine="AMD64",
                              windows_architectures=("AMD64", "AMD64")), capsys)
    assert "Windows on ARM" not in out


def test_check_install_reads_the_architectures_of_windows(monkeypatch):
    """Off Windows, IsWow64Process2 cannot be called; with it missing the
    function falls back to platform.machine(), as on an old Windows."""
    monkeypatch.setattr(doctor.sys, "platform", "win32")
    monkeypatch.setattr(doctor.sysconfig, "get_platform", lambda: "win-amd64")
    monkeypatch.setattr(doctor.platform, "machine", lambda: "ARM64")
    assert doctor.windows_architectures() == ("AMD64", "ARM64")
    monkeypatch.setattr(doctor.sysconfig, "get_platform", lambda: "win-arm64")
    assert doctor.check_windows_arm(doctor.windows_architectures())[0][:2] == ("warn", "windows_arm64_native")


def test_check_install_names_the_python_the_installation_page_names():
    """The doctor's commands for an x64 Python are the installation page's."""
    from install_pages import section_lines

    for language in ("zh", "en"):
        text = "\n".join(section_lines(language, "installation.md", "windows-on-arm"))
        high = "%d.%d" % doctor.PYTHON_MAX
        assert f"`py install {high}-64`" in text and f"`py -V:{high}-64 -m venv .venv`" in text


# --- 3. The pip index -------------------------------------------------------------


def test_check_install_reads_the_index_from_pip_itself(tmp_path, monkeypatch):
    """pip_config() asks pip; the page's `pip config set` shows up, then an
    environment variable wins over it, as pip itself decides."""
    url = "https://pypi.tuna.tsinghua.edu.cn/simple"
    env = isolated_pip_env(tmp_path)
    pip(["pip", "config", "set", "global.index-url", url], env, check=True)
    for name in list(doctor.os.environ):
        if name not in env:
            monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    found = doctor.check_pip_index(doctor.pip_config())
    assert found[0] == ("ok", "pip_index", {"url": url, "source": "pip config global.index-url"})
    monkeypatch.setenv("PIP_INDEX_URL", "https://mirrors.ustc.edu.cn/pypi/simple")
    found = doctor.check_pip_index(doctor.pip_config())
    assert found[0] == ("ok", "pip_index", {"url": "https://mirrors.ustc.edu.cn/pypi/simple", "source": "PIP_INDEX_URL"})


def test_check_install_pip_index_problems(tmp_path, capsys):
    assert levels(doctor.check_pip_index({})) == ["info"]
    assert doctor.check_pip_index({"global.index-url": "http://pypi.example.cn/simple"})[1][1] == "pip_index_http"
    assert doctor.check_pip_index({"global.index-url": "https://pypi.douban.com/simple/"})[1][1] == "pip_index_douban"
    # pip itself missing is worth a warning, not a failure: the examples may still run
    code, out = check(healthy(tmp_path, pip_config="No module named pip"), capsys)
    assert code == 0 and "[warn] Cannot run pip (No module named pip)" in out


# --- 4. Packages --------------------------------------------------------------------


def test_check_install_missing_keras_fails(tmp_path, capsys):
    versions = dict(EVERYTHING, keras=None)
    code, out = check(healthy(tmp_path, versions=versions), capsys)
    assert code == 1 and "[FAIL] keras is not installed. Run: pip install keras" in out


def test_check_install_keras_2_fails(tmp_path, capsys):
    code, out = check(healthy(tmp_path, versions=dict(EVERYTHING, keras="2.15.0")), capsys)
    assert code == 1 and "keras 2.15.0 is Keras 2" in out


def test_check_install_missing_optional_backends_are_fine(tmp_path, capsys):
    code, out = check(healthy(tmp_path, versions=dict(EVERYTHING, jax=None, torch=None)), capsys)
    assert code == 0 and "[info] jax is not installed" in out


def test_check_install_sees_the_installed_versions():
    from importlib import metadata

    assert doctor.installed_versions() == {name: metadata.version(name) for name in EVERYTHING}


# --- 5. The backend -------------------------------------------------------------------


def run_script(*argv, python=sys.executable, **env):
    result = subprocess.run(
        [str(python), str(SCRIPT), "--lang", "en", *argv],
        env=clean_env(**{"KERAS_HOME": str(KERAS_HOME), **env}), capture_output=True, text=True, timeout=300,
    )
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    return result.returncode, result.stdout


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
    assert doctor.backend_setting(facts["environ"], str(tmp_path))[:2] == ("jax", "KERAS_BACKEND")


def test_check_install_inference_only_backend_fails(tmp_path, capsys):
    code, out = check(healthy(tmp_path, environ={"KERAS_BACKEND": "openvino", "KERAS_HOME": str(tmp_path)}), capsys)
    assert code == 1 and "can run models but not train them" in out


def test_check_install_invalid_keras_json_is_a_warning(tmp_path, capsys):
    (tmp_path / "keras.json").write_text('{"backend": "jax",}')
    code, out = check(healthy(tmp_path, environ={"KERAS_HOME": str(tmp_path)}), capsys)
    assert code == 0 and "is not valid JSON" in out and "Backend: tensorflow (the default)" in out


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


def test_check_install_probe_timeout_fails(tmp_path, capsys):
    code, out = check(healthy(tmp_path, probe={"timeout": 300}), capsys)
    assert code == 1 and "took more than 300 seconds" in out


# --- 6. GPUs ---------------------------------------------------------------------------


def test_check_install_gpus():
    probe = dict(GOOD_PROBE, gpus=["/physical_device:GPU:0"])
    assert doctor.check_gpus(probe, None) == [("ok", "gpu_found", {"backend": "tensorflow", "count": 1, "names": "/physical_device:GPU:0"})]
    assert levels(doctor.check_gpus(GOOD_PROBE, {"is_cuda_build": False})) == ["info", "info"]
    assert doctor.check_gpus(GOOD_PROBE, {"is_cuda_build": False})[1][1] == "tf_build_cpu"


def test_check_install_reads_tensorflows_build_info_without_importing_it():
    """The same values tf.sysconfig.get_build_info() gives (facts.md 2.5)."""
    code = "import json, tensorflow as tf; print(json.dumps(tf.sysconfig.get_build_info()))"
    result = subprocess.run([sys.executable, "-c", code], env=clean_env(), capture_output=True, text=True, timeout=300)
    imported = json.loads(result.stdout.strip().splitlines()[-1])
    read = doctor.tensorflow_build_info()
    assert {k: read[k] for k in ("cuda_version", "cudnn_version", "is_cuda_build")} == {
        k: imported[k] for k in ("cuda_version", "cudnn_version", "is_cuda_build")}


# --- 7. Fashion-MNIST ----------------------------------------------------------------------


@pytest.fixture
def cache(tmp_path):
    """A copy of the test cache's four good files."""
    folder = tmp_path / "datasets" / "fashion-mnist"
    folder.mkdir(parents=True)
    for name in doctor.FASHION_MNIST:
        shutil.copy(KERAS_HOME / "datasets" / "fashion-mnist" / name, folder / name)
    return folder


def test_check_install_knows_the_same_files_as_the_install_tool():
    assert doctor.FASHION_MNIST == tool.FILES


def test_check_install_good_dataset(cache):
    assert doctor.check_dataset(cache) == [("ok", "dataset_ok", {"path": cache})]


def test_check_install_damaged_dataset_fails(cache):
    """A truncated download, run for real: exit 1 and the file named."""
    name = "train-images-idx3-ubyte.gz"
    data = (cache / name).read_bytes()
    (cache / name).write_bytes(data[: len(data) // 2])
    code, out = run_script(KERAS_HOME=str(cache.parent.parent))
    assert code == 1
    assert f"[FAIL] Fashion-MNIST: {name} is damaged (not a complete gzip file)" in out


def test_check_install_wrong_dataset_content_fails(cache):
    name = "t10k-labels-idx1-ubyte.gz"
    content = gzip.decompress((cache / name).read_bytes())
    (cache / name).write_bytes(gzip.compress(content[:-1]))
    assert doctor.check_dataset(cache)[0][2]["problem"] == ("bad_size", {"actual": 10007, "expected": 10008})
    (cache / name).write_bytes(gzip.compress(content[:-1] + b"\x00"))
    assert doctor.check_dataset(cache)[0][2]["problem"] == ("bad_hash", {})


def test_check_install_missing_dataset_is_a_warning(tmp_path, capsys):
    code, out = check(healthy(tmp_path, environ={"KERAS_HOME": str(tmp_path)}), capsys)
    assert code == 0 and "[warn] Fashion-MNIST: 4 file(s) missing" in out


# --- 8. The network ------------------------------------------------------------------------


@pytest.fixture
def silent_host():
    """A server on 127.0.0.1 that accepts connections and never answers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    yield f"http://127.0.0.1:{server.getsockname()[1]}/"
    server.close()


@pytest.fixture
def answering_host():
    handler = type("Handler", (http.server.BaseHTTPRequestHandler,), {
        "do_HEAD": lambda self: (self.send_response(200), self.end_headers()),
        "log_message": lambda self, *args: None,
    })
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


def closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}/"


def test_check_install_hosts_that_do_not_answer(silent_host, answering_host):
    hosts = {"silent": silent_host, "closed": closed_port(), "fine": answering_host}
    start = time.monotonic()
    found = doctor.check_hosts(hosts, timeout=1)
    assert time.monotonic() - start < 5  # tried at once, each for at most a second
    assert [(level, values["name"]) for level, _, values in found] == [("warn", "silent"), ("warn", "closed"), ("ok", "fine")]
    assert "timed out" in found[0][2]["error"]
    assert "refused" in found[1][2]["error"].lower()


def test_check_install_network_is_opt_in(tmp_path, capsys, silent_host):
    code, out = check(healthy(tmp_path, hosts={"storage.googleapis.com": silent_host}, timeout=1), capsys)
    assert "Network not checked" in out and "does not answer" not in out


def test_check_install_unreachable_dataset_host_blocks_only_without_the_files(tmp_path, capsys, silent_host):
    hosts = {"storage.googleapis.com": silent_host}
    code, out = check(healthy(tmp_path, hosts=hosts, timeout=1), capsys, "--network")
    assert code == 0 and "[warn] storage.googleapis.com does not answer (timed out)" in out
    empty = {"KERAS_HOME": str(tmp_path)}
    code, out = check(healthy(tmp_path, hosts=hosts, timeout=1, environ=empty), capsys, "--network")
    assert code == 1 and "[FAIL] Fashion-MNIST is not in the cache and storage.googleapis.com does not answer" in out


# --- Language --------------------------------------------------------------------------------


def test_check_install_messages_are_bilingual():
    import string

    zh, en = doctor.MESSAGES["zh"], doctor.MESSAGES["en"]
    assert zh.keys() == en.keys()
    for key in zh:
        fields = [{f for _, f, _, _ in string.Formatter().parse(m[key]) if f is not None} for m in (zh, en)]
        assert fields[0] == fields[1], key


def test_check_install_speaks_the_readers_language(tmp_path):
    for lang, title in (("zh_CN.UTF-8", "Keras 安装检查"), ("en_US.UTF-8", "Keras install check")):
        result = subprocess.run(
            [sys.executable, str(SCRIPT)], env=clean_env(LANG=lang, LC_ALL="", KERAS_BACKEND="theano"),
            capture_output=True, text=True, timeout=300,
        )
        assert result.stdout.startswith(title), result.stdout
    assert doctor.reader_language("zh") == "zh"


def test_check_install_runs_with_python_alone(tmp_path):
    """Nothing but the standard library: in a virtual environment with no
    packages at all (not even pip) it reports, without a traceback."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(tmp_path / "bare")], check=True, timeout=120)
    result = subprocess.run(
        [str(tmp_path / "bare" / "bin" / "python"), str(SCRIPT), "--lang", "en"],
        env=clean_env(HOME=str(tmp_path), KERAS_HOME=str(tmp_path)), capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    assert "[FAIL] keras is not installed" in result.stdout
    assert "[warn] Cannot run pip" in result.stdout


def test_check_install_timeout_is_the_one_the_page_states():
    from install_pages import section_lines

    for language, words in (("zh", f"每个最多等 {doctor.TIMEOUT} 秒"), ("en", f"at most {doctor.TIMEOUT} seconds")):
        text = " ".join(line.strip() for line in section_lines(language, "verify_install.md", "install-doctor"))
        assert words in text, f"docs/{language}/verify_install.md does not say {words!r}"


@pytest.mark.parametrize("variables", [
    {"LANG": "zh_CN.UTF-8"}, {"LANG": "en_GB.UTF-8"}, {"LC_ALL": "zh_TW.UTF-8", "LANG": "en_US.UTF-8"},
    {"LANG": "C.UTF-8"}, {"LANGUAGE": "zh_CN:en"},
])
def test_check_install_picks_the_language_as_the_install_tool_does(monkeypatch, variables):
    """Both reader tools carry their own copy (each is downloaded alone); they must agree."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        monkeypatch.delenv(name, raising=False)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    assert doctor.reader_language() == tool.reader_language()


class FakeJaxDevice:
    """What jax.devices() gives on a machine with one NVIDIA GPU: str() is
    "cuda:0", device_kind the card's model (see ../shared/reference/gpu-run-*)."""

    def __init__(self, platform, kind, name):
        self.platform, self.device_kind, self.name = platform, kind, name

    def __str__(self):
        return self.name


def test_check_install_names_a_jax_gpu_by_its_model(monkeypatch, capsys):
    """The probe's own code, run here against a fake keras and jax (no GPU on this machine)."""
    import types

    keras = types.SimpleNamespace(__version__="3.15.1", config=types.SimpleNamespace(backend=lambda: "jax"))
    devices = [FakeJaxDevice("gpu", "NVIDIA H200", "cuda:0"), FakeJaxDevice("cpu", "cpu", "TFRT_CPU_0")]
    monkeypatch.setitem(sys.modules, "keras", keras)
    monkeypatch.setitem(sys.modules, "jax", types.SimpleNamespace(devices=lambda: devices))
    exec(doctor.PROBE, {})
    line = capsys.readouterr().out.strip()
    probe = json.loads(line.removeprefix("CHECK_INSTALL "))
    assert probe["gpus"] == ["NVIDIA H200"], probe
    assert doctor.check_gpus(probe, None) == [
        ("ok", "gpu_found", {"backend": "jax", "count": 1, "names": "NVIDIA H200"})]
