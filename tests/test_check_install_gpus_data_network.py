"""The install doctor (tools/check_install.py), continued: GPUs, the
Fashion-MNIST files, the network, and the reader's language (the first checks,
and the table of simulated problems with their messages and exit codes:
tests/test_check_install.py)."""

from __future__ import annotations

import gzip
import json
import re
import socket
import sys
import time

import pytest

import check_install
from doctor import data_and_network, keras_setup, messages
from doctor_facts import GOOD_PROBE, SCRIPT, check, copy_fashion_mnist, healthy, levels, run_script
from harness.site import QuietHandler, SiteServer, free_port
from harness.lessons import environment, run
from install_pages import section_lines
from tools import install_fashion_mnist as tool


# --- 6. GPUs ---------------------------------------------------------------------------


def test_check_install_gpus():
    probe = dict(GOOD_PROBE, gpus=["/physical_device:GPU:0"])
    assert keras_setup.check_gpus(probe, None) == [("ok", "gpu_found", {"backend": "tensorflow", "count": 1, "names": "/physical_device:GPU:0"})]
    assert levels(keras_setup.check_gpus(GOOD_PROBE, {"is_cuda_build": False})) == ["info", "info"]
    assert keras_setup.check_gpus(GOOD_PROBE, {"is_cuda_build": False})[1][1] == "tf_build_cpu"


def test_check_install_reads_tensorflows_build_info_without_importing_it():
    """The same values tf.sysconfig.get_build_info() gives (facts.md 2.5)."""
    code = "import json, tensorflow as tf; print(json.dumps(tf.sysconfig.get_build_info()))"
    result = run([sys.executable, "-c", code], env=environment())
    imported = json.loads(result.stdout.strip().splitlines()[-1])
    read = keras_setup.tensorflow_build_info()
    assert {k: read[k] for k in ("cuda_version", "cudnn_version", "is_cuda_build")} == {
        k: imported[k] for k in ("cuda_version", "cudnn_version", "is_cuda_build")}


# --- 7. Fashion-MNIST ----------------------------------------------------------------------


@pytest.fixture
def cache(tmp_path):
    """A copy of the test cache's four good files."""
    return copy_fashion_mnist(tmp_path / "datasets" / "fashion-mnist")


def test_check_install_knows_the_same_files_as_the_install_tool():
    assert data_and_network.FASHION_MNIST == tool.FILES


def test_check_install_good_dataset(cache):
    assert data_and_network.check_dataset(cache) == [("ok", "dataset_ok", {"path": cache})]


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
    assert data_and_network.check_dataset(cache)[0][2]["problem"] == ("bad_size", {"actual": 10007, "expected": 10008})
    (cache / name).write_bytes(gzip.compress(content[:-1] + b"\x00"))
    assert data_and_network.check_dataset(cache)[0][2]["problem"] == ("bad_hash", {})


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
    handler = type("Handler", (QuietHandler,), {"do_HEAD": lambda self: (self.send_response(200), self.end_headers())})
    with SiteServer(None, handler) as url:
        yield url + "/"


def test_check_install_hosts_that_do_not_answer(silent_host, answering_host):
    hosts = {"silent": silent_host, "closed": f"http://127.0.0.1:{free_port()}/", "fine": answering_host}
    start = time.monotonic()
    found = data_and_network.check_hosts(hosts, timeout=1)
    assert time.monotonic() - start < 5  # tried at once, each for at most a second
    assert [(level, values["name"]) for level, _, values in found] == [("warn", "silent"), ("warn", "closed"), ("ok", "fine")]
    assert "timed out" in found[0][2]["error"]
    assert "refused" in found[1][2]["error"].lower()


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

    zh, en = messages.MESSAGES["zh"], messages.MESSAGES["en"]
    assert zh.keys() == en.keys()
    for key in zh:
        fields = [{f for _, f, _, _ in string.Formatter().parse(m[key]) if f is not None} for m in (zh, en)]
        assert fields[0] == fields[1], key


def test_check_install_speaks_the_readers_language(tmp_path):
    for lang, title in (("zh_CN.UTF-8", "Keras 安装检查"), ("en_US.UTF-8", "Keras install check")):
        result = run([sys.executable, SCRIPT], env=environment(LANG=lang, LC_ALL="", KERAS_BACKEND="theano"))
        assert result.stdout.startswith(title), result.stdout
    assert check_install.reader_language("zh") == "zh"


def test_check_install_runs_with_python_alone(tmp_path):
    """Nothing but the standard library: in a virtual environment with no
    packages at all (not even pip) it reports, without a traceback."""
    run([sys.executable, "-m", "venv", "--without-pip", str(tmp_path / "bare")], check=True, timeout=120)
    code, out = run_script(python=tmp_path / "bare" / "bin" / "python", HOME=str(tmp_path), KERAS_HOME=str(tmp_path))
    assert code == 1, out
    assert "[FAIL] keras is not installed" in out
    assert "[warn] Cannot run pip" in out


def test_check_install_timeout_is_the_one_the_page_states():
    from install_pages import section_lines

    for language, words in (("zh", f"每个最多等 {data_and_network.TIMEOUT} 秒"), ("en", f"at most {data_and_network.TIMEOUT} seconds")):
        text = " ".join(line.strip() for line in section_lines(language, "verify_install.md", "install-doctor"))
        assert words in text, f"docs/{language}/verify_install.md does not say {words!r}"


def test_check_install_keeps_the_same_language_rule_as_the_install_tool():
    """Each reader tool is downloaded alone, so each keeps its own copy of the
    rule; the two copies are the same text, so they cannot drift apart."""
    import inspect

    assert inspect.getsource(check_install.reader_language) == inspect.getsource(tool.reader_language)


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
    exec(keras_setup.PROBE, {})
    line = capsys.readouterr().out.strip()
    probe = json.loads(line.removeprefix("CHECK_INSTALL "))
    assert probe["gpus"] == ["NVIDIA H200"], probe
    assert keras_setup.check_gpus(probe, None) == [
        ("ok", "gpu_found", {"backend": "jax", "count": 1, "names": "NVIDIA H200"})]


def _fake_torch(available, names, cuda):
    import types

    cuda_module = types.SimpleNamespace(
        is_available=lambda: available, device_count=lambda: len(names), get_device_name=lambda i=0: names[i])
    return types.SimpleNamespace(cuda=cuda_module, version=types.SimpleNamespace(cuda=cuda))


def _run_probe(monkeypatch, capsys, torch):
    import types

    keras = types.SimpleNamespace(__version__="3.15.1", config=types.SimpleNamespace(backend=lambda: "torch"))
    monkeypatch.setitem(sys.modules, "keras", keras)
    monkeypatch.setitem(sys.modules, "torch", torch)
    exec(keras_setup.PROBE, {})
    return json.loads(capsys.readouterr().out.strip().removeprefix("CHECK_INSTALL "))


def test_check_install_names_a_torch_gpu(monkeypatch, capsys, tmp_path):
    """The probe's own code against a fake torch that sees the GPU run's card
    (../shared/reference/gpu-run-2026-11-30/doctor-torch.txt), then the whole report."""
    probe = _run_probe(monkeypatch, capsys, _fake_torch(True, ["NVIDIA H200"], "13.0"))
    assert probe == {"version": "3.15.1", "backend": "torch", "gpus": ["NVIDIA H200"], "cuda": "13.0"}
    facts = healthy(tmp_path, system="Windows", release="11", probe=probe, environ={"KERAS_BACKEND": "torch", "KERAS_HOME": str(tmp_path)})
    code, out = check(facts, capsys)
    assert "[ok]   torch sees 1 GPU(s): NVIDIA H200" in out.splitlines(), out
    assert "CPU only" not in out.split("Backend:")[1], out


def test_check_install_tells_a_windows_reader_with_cpu_only_torch_how_to_get_the_cuda_build(monkeypatch, capsys, tmp_path):
    probe = _run_probe(monkeypatch, capsys, _fake_torch(False, [], None))
    assert probe["gpus"] == [] and probe["cuda"] is None
    assert [key for _, key, _ in keras_setup.check_gpus(probe, None, "Windows")] == ["gpu_none", "torch_build_cpu"]
    # A CUDA build that sees no card (no driver), or another system: no such advice.
    assert [key for _, key, _ in keras_setup.check_gpus(dict(probe, cuda="13.0"), None, "Windows")] == ["gpu_none"]
    assert [key for _, key, _ in keras_setup.check_gpus(probe, None, "Linux")] == ["gpu_none"]
    facts = healthy(tmp_path, system="Windows", release="11", probe=probe, environ={"KERAS_BACKEND": "torch", "KERAS_HOME": str(tmp_path)})
    code, out = check(facts, capsys)
    assert "[info] This PyTorch is built without CUDA" in out, out
    # The command it gives is the one the installation page gives, in both languages.
    for language in ("zh", "en"):
        command = re.search(r"pip install torch --index-url \S+", messages.MESSAGES[language]["torch_build_cpu"])[0]
        assert command in " ".join(section_lines(language, "installation.md", "gpu-windows-pytorch")), language


def test_check_install_probe_reads_this_machines_torch():
    """The real probe, run as the doctor runs it, under the torch backend: it
    reports this machine's torch build (CUDA's version, or None for a CPU-only
    build) and no card, as there is none here."""
    from importlib.metadata import version

    import torch

    assert not torch.cuda.is_available(), "this test machine has no NVIDIA card"
    result = run([sys.executable, "-c", keras_setup.PROBE], env=environment(KERAS_BACKEND="torch"))
    probe = json.loads(result.stdout.strip().splitlines()[-1].removeprefix("CHECK_INSTALL "))
    assert probe == {"version": version("keras"), "backend": "torch", "gpus": [], "cuda": torch.version.cuda}, probe
