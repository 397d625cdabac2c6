"""How the pip errors of docs/*/common_errors.md are raised here (tests/test_common_errors.py):
pip's own resolver offered TensorFlow's wheel names, real pip against the package
index, and local servers on 127.0.0.1 that are slow, stall or speak HTTPS with a
certificate nobody trusts. Each server is bounded in time and always shut down."""

from __future__ import annotations

import os
import re
import sys
import time
import zipfile
from pathlib import Path

from harness.site import QuietHandler, SiteServer, free_port
from harness.lessons import environment, run


def output(argv, **options) -> str:
    """What a command printed, stdout then stderr (harness.lessons.run; by default in environment())."""
    result = run(argv, **{"env": environment(), **options})
    return result.stdout + result.stderr


# pip reads nothing of this machine's configuration (PIP_CONFIG_FILE=os.devnull also stops the global files).
NO_PIP_CONFIG = environment(pip_settings=False, PIP_CONFIG_FILE=os.devnull)


# TensorFlow 2.21.0's wheels (facts.md 2.1 and 2.2): CPython 3.10-3.13 on
# Linux x86-64 and aarch64, Apple-silicon macOS and 64-bit Windows.
TF_TAGS = [
    f"cp3{minor}-cp3{minor}-{platform}"
    for minor in (10, 11, 12, 13)
    for platform in ("manylinux_2_27_x86_64", "manylinux_2_27_aarch64", "macosx_12_0_arm64", "win_amd64")
]


def no_matching_distribution(tmp: Path) -> str:
    """pip's own resolver, offered TensorFlow 2.21.0's wheels (same names and
    Requires-Python, empty contents), asked for 32-bit Windows and for Python 3.14."""
    from importlib import metadata

    installed = metadata.distribution("tensorflow").read_text("WHEEL")
    assert any(f"Tag: {tag}" in installed for tag in TF_TAGS), installed
    links = tmp / "links"
    links.mkdir()
    for tag in TF_TAGS:
        with zipfile.ZipFile(links / f"tensorflow-2.21.0-{tag}.whl", "w") as wheel:
            info = "tensorflow-2.21.0.dist-info"
            wheel.writestr(f"{info}/METADATA", "Metadata-Version: 2.1\nName: tensorflow\nVersion: 2.21.0\nRequires-Python: >=3.10\n")
            wheel.writestr(f"{info}/WHEEL", f"Wheel-Version: 1.0\nRoot-Is-Purelib: false\nTag: {tag}\n")
            wheel.writestr(f"{info}/RECORD", "")

    def download(platform, python):
        argv = [sys.executable, "-m", "pip", "download", "--isolated", "--no-index", "--find-links", str(links),
                "--only-binary=:all:", "--no-deps", "--dest", str(tmp / "out"),
                "--platform", platform, "--python-version", python, "tensorflow"]
        return run(argv, env=environment(pip_settings=False))

    fits = download("win_amd64", "3.12")  # the control: 64-bit Windows, Python 3.12
    assert fits.returncode == 0 and "Saved" in fits.stdout, fits.stdout + fits.stderr
    printed = ""
    for platform, python in (("win32", "3.12"), ("win_amd64", "3.14"), ("manylinux_2_27_x86_64", "3.14")):
        result = download(platform, python)
        assert result.returncode != 0
        printed += result.stdout + result.stderr
    return printed


# pip against the package index: PyPI, or the mirror in PIP_INDEX_URL (as the
# README's command for mainland China sets it). Nothing else of this machine's
# pip configuration is read (--isolated, and PIP_CONFIG_FILE=os.devnull, which
# also stops the global files that --isolated still reads).
INDEX = os.environ.get("PIP_INDEX_URL", "https://pypi.org/simple")


def pip_run(*args, python=sys.executable, timeout=300) -> str:
    return output([str(python), "-m", "pip", *args], timeout=timeout, env=NO_PIP_CONFIG)


def tensorflow_gpu(tmp: Path) -> str:
    """Real pip, as a reader types it, against the package index: it fetches
    tensorflow-gpu 2.12.0's source package and fails while getting its build
    requirements (today's setuptools rejects a line of its setup.cfg). The
    same package's setup.py, run by hand as older setuptools did, prints the
    removal message it was written to show."""
    import tarfile
    import urllib.request

    printed = pip_run("install", "--isolated", "--no-cache-dir", "--index-url", INDEX,
                      "--target", str(tmp / "target"), "tensorflow-gpu==2.12.0")
    assert "× Getting requirements to build wheel did not run successfully." in printed, printed[-3000:]
    page = urllib.request.urlopen(f"{INDEX.rstrip('/')}/tensorflow-gpu/", timeout=60).read().decode()
    href = re.search(r'href="([^"]*tensorflow-gpu-2\.12\.0\.tar\.gz)[^"]*"', page)[1]
    url = urllib.parse.urljoin(f"{INDEX.rstrip('/')}/tensorflow-gpu/", href)
    archive = tmp / "tensorflow-gpu-2.12.0.tar.gz"
    archive.write_bytes(urllib.request.urlopen(url, timeout=60).read())
    with tarfile.open(archive) as sdist:
        sdist.extractall(tmp, filter="data")
    printed += output([sys.executable, "setup.py", "install"], cwd=tmp / "tensorflow-gpu-2.12.0")
    return printed


def windows_arm64(tmp: Path) -> str:
    """pip asked, against the package index, for the installers a 64-bit
    Python 3.12 on Windows on ARM would get: none for TensorFlow, jaxlib or
    PyTorch. The control: the same question for x64 Windows finds TensorFlow."""
    def download(platform, requirement):
        return pip_run("download", "--isolated", "--no-deps", "--only-binary=:all:", "--index-url", INDEX,
                       "--platform", platform, "--python-version", "3.12", "--dest", str(tmp), requirement)

    printed = download("win_arm64", "tensorflow")
    for requirement in ("jaxlib==0.10.2", "torch==2.13.0"):
        assert f"No matching distribution found for {requirement}" in download("win_arm64", requirement)
    # control: pip and the index work; only the platform is missing (metadata only, no 200 MB download)
    control = pip_run("index", "versions", "--isolated", "--index-url", INDEX, "--platform", "win_amd64",
                      "--python-version", "3.12", "--only-binary=:all:", "tensorflow")
    assert "2.21.0" in control, control
    return printed


class SlowIndex(QuietHandler):
    """A package index on 127.0.0.1 that answers nothing for 3 seconds."""

    def do_GET(self):
        time.sleep(3)


class StalledDownload(QuietHandler):
    """A package index on 127.0.0.1 that lists a wheel whose download stops
    after a few bytes of the promised million."""

    protocol_version = "HTTP/1.1"

    def do_GET(self):
        listing = self.path.startswith("/simple/")
        body = b'<a href="/files/keras-3.15.1-py3-none-any.whl">keras-3.15.1-py3-none-any.whl</a>' if listing else b"PK" * 10
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body) if listing else 1_000_000))
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()
        if not listing:
            time.sleep(3)


def install_from(index, *options, python=sys.executable, tmp: Path) -> str:
    return pip_run("install", "--isolated", "--no-cache-dir", "--no-deps", "--target", str(tmp / "target"),
                   "--index-url", index, *options, "keras", python=python, timeout=120)


def read_timeout(tmp: Path, bundled: Path) -> str:
    """Today's pip waiting for a slow index (one retry), then the bundled pip
    on a download that stalls; each waits one second (--timeout 1)."""
    with SiteServer(None, SlowIndex) as url:
        printed = install_from(url + "/simple", "--timeout", "1", "--retries", "1", tmp=tmp)
    with SiteServer(None, StalledDownload) as url:
        printed += install_from(url + "/simple", "--timeout", "1", "--retries", "0", python=bundled, tmp=tmp)
    return printed


def ssl_certificate(tmp: Path) -> str:
    """An HTTPS index on 127.0.0.1 with a self-signed certificate (made with openssl)."""
    key, cert = tmp / "key.pem", tmp / "cert.pem"
    run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
         "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"], check=True, timeout=60)
    with SiteServer(None, QuietHandler, certificate=(cert, key)) as url:
        return install_from(url + "/simple", "--retries", "0", "--timeout", "5", tmp=tmp)


def proxy_error(tmp: Path, bundled: Path) -> str:
    """The bundled pip told to use a proxy on a closed port of 127.0.0.1."""
    return install_from(INDEX, "--proxy", f"http://127.0.0.1:{free_port()}", "--retries", "1", "--timeout", "5",
                        python=bundled, tmp=tmp)


LONG_PATH_INSTALL = """
import errno, sys
from pip._internal.cli.main import main
import pip._internal.commands.install as install

install.WINDOWS = True  # the hint is printed on Windows only

def fail(*args, **kwargs):
    raise FileNotFoundError(errno.ENOENT, "No such file or directory", sys.argv[1])

install.install_given_reqs = fail  # the copy into site-packages fails, as Windows makes it fail
sys.exit(main(["install", "--isolated", "--no-index", "--no-deps", "--target", sys.argv[2], sys.argv[3]]))
"""


def long_path_oserror(tmp: Path) -> str:
    """pip's own install command, on a tiny local wheel, where copying a file
    with a path of more than 260 characters fails as on Windows without long
    paths: pip's WINDOWS flag is patched, and its copy step raises the OSError."""
    wheel = tmp / "tiny-1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr("tiny.py", "")
        archive.writestr("tiny-1.0.dist-info/METADATA", "Metadata-Version: 2.1\nName: tiny\nVersion: 1.0\n")
        archive.writestr("tiny-1.0.dist-info/WHEEL", "Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n")
        archive.writestr("tiny-1.0.dist-info/RECORD", "")
    path = "C:\\Users\\reader\\keras\\.venv\\Lib\\site-packages\\tensorflow" + "\\include\\external" * 12 + "\\a.h"
    assert len(path) > 260
    result = run([sys.executable, "-c", LONG_PATH_INSTALL, path, tmp / "target", wheel], timeout=120, env=NO_PIP_CONFIG)
    assert result.returncode != 0
    return result.stdout + result.stderr


def pip_not_recognized(tmp: Path) -> str:
    """Windows consoles cannot run here: every line of this entry is quoted (see SOURCED)."""
    return ""


