"""tools/install_fashion_mnist.py: good files go in; bad ones never do.

The tool runs in this process (main(argv) returns its exit status) so that a
failing disk can be simulated; one test runs it as a reader would, as a
separate process. The four real files come from the test cache that the test
command fills (see README).
"""

import functools
import gzip
import ntpath
import os
import re
import shutil
import sys
from pathlib import Path, PureWindowsPath
from unittest import mock

import pytest

from doctor_facts import CACHED, FASHION_MNIST_FILES, copy_fashion_mnist
from harness.pages import ROOT
from harness.lessons import KERAS_HOME, run
from shell import Command, Commands, commands
from tools import install_fashion_mnist as tool

SCRIPT = ROOT / "tools" / "install_fashion_mnist.py"
NAMES = list(tool.FILES)
LABELS = "train-labels-idx1-ubyte.gz"  # the smallest file: the one the tests spoil
# Messages, as (zh, en) pairs of the text that must appear.
SAID = {
    "refused": ("什么都没有安装", "nothing was installed"),
    "missing": ("[缺少] " + LABELS, "[missing]  " + LABELS),
    "unfinished": ("[没下完] " + LABELS, "[partial]  " + LABELS),
    "not_gzip": ("[损坏] " + LABELS, "[broken]   " + LABELS),
    "not_data": ("既不是 gzip 压缩文件，也不是解压后的数据", "neither a gzip file nor the decompressed data"),
    "bad_size": ("解压后应为 60008 字节", "should be 60008 bytes decompressed"),
    "bad_hash": ("SHA-256 不一致", "SHA-256 mismatch"),
    "done": ("完成：四个文件都已就绪", "Done: all four files are in place"),
    "kept": ("[保留] " + LABELS, "[kept]     " + LABELS),
    "moved": ("[替换] " + LABELS, "[replaced] " + LABELS),
    "no_source": ("找不到文件夹", "not found. Check the path."),
    "not_writable": ("无法写入", "Cannot write to"),
}


@pytest.fixture
def home(tmp_path, monkeypatch):
    """A fresh, empty Keras home for the tool."""
    path = tmp_path / "keras-home"
    monkeypatch.setenv("KERAS_HOME", str(path))
    return path / "datasets" / "fashion-mnist"


@pytest.fixture
def source(tmp_path):
    """A folder holding the four good files, as a reader would have them."""
    return copy_fashion_mnist(tmp_path / "downloads")


@pytest.fixture(params=["zh", "en"])
def language(request):
    return request.param


def run_tool(capsys, language, *argv):
    """Run the tool in one language: (exit status, what it printed)."""
    status = tool.main([*map(str, argv), "--lang", language])
    return status, capsys.readouterr().out


def assert_said(said, language, *keys):
    for key in keys:
        text = SAID[key][("zh", "en").index(language)]
        assert text in said, f"--lang {language} should say {text!r}:\n{said}"


def snapshot(folder):
    """Every file in a folder (hidden ones too), with its bytes and times."""
    if not folder.exists():
        return {}
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns, p.stat().st_ino) for p in folder.iterdir()}


@functools.cache
def raw(name):
    return gzip.decompress((CACHED / name).read_bytes())


# --- good files go in ------------------------------------------------------


def test_good_files_are_installed(capsys, language, source, home):
    status, said = run_tool(capsys, language, source)
    assert status == 0
    assert_said(said, language, "done")
    assert sorted(p.name for p in home.iterdir()) == sorted(NAMES)
    for name in NAMES:
        assert (home / name).read_bytes() == (source / name).read_bytes()


def test_uncompressed_files_are_accepted(capsys, source, home):
    """Unpacked by hand (no .gz), or unpacked by a browser that kept the .gz name."""
    for name in NAMES[:2]:
        (source / name).unlink()
        (source / name.removesuffix(".gz")).write_bytes(raw(name))
    (source / NAMES[2]).write_bytes(raw(NAMES[2]))
    status, said = run_tool(capsys, "en", source)
    assert status == 0, said
    for name in NAMES:
        stored = (home / name).read_bytes()
        assert stored[:2] == b"\x1f\x8b", f"{name} must be stored gzipped: Keras opens it with gzip"
        assert gzip.decompress(stored) == raw(name)


def test_a_second_download_in_the_folder_is_found(capsys, language, source, home):
    """The downloads folder held a broken copy from an earlier try, so the
    browser saved the new download as "name (1).gz": the good one goes in."""
    spoil_partial(source)
    second = source / LABELS.replace(".gz", " (1).gz")
    shutil.copy(CACHED / LABELS, second)
    status, said = run_tool(capsys, language, source)
    assert status == 0, said
    assert second.name in said
    assert (home / LABELS).read_bytes() == second.read_bytes()


def test_a_good_cached_file_is_never_replaced(capsys, language, source, home):
    home.mkdir(parents=True)
    shutil.copy(source / LABELS, home / LABELS)
    before = snapshot(home)[LABELS]
    status, said = run_tool(capsys, language, source)
    assert status == 0
    assert_said(said, language, "kept")
    assert snapshot(home)[LABELS] == before, "the good cached file was rewritten"


def test_a_damaged_cached_file_is_kept_as_a_backup(capsys, language, source, home):
    home.mkdir(parents=True)
    damaged = b"\x1f\x8b" + b"half a download"
    (home / LABELS).write_bytes(damaged)
    status, said = run_tool(capsys, language, source)
    assert status == 0
    assert_said(said, language, "moved")
    assert (home / LABELS).read_bytes() == (source / LABELS).read_bytes()
    backups = sorted(home.glob(LABELS + ".damaged-*"))
    assert len(backups) == 1
    assert backups[0].read_bytes() == damaged


# --- bad files never do ------------------------------------------------------


def spoil_missing(folder):
    (folder / LABELS).unlink()


def spoil_partial(folder):
    data = (folder / LABELS).read_bytes()
    (folder / LABELS).write_bytes(data[: len(data) // 2])


def spoil_corrupt(folder):
    data = bytearray((folder / LABELS).read_bytes())
    for i in range(100, 200):
        data[i] ^= 0xFF
    (folder / LABELS).write_bytes(bytes(data))


def spoil_unfinished(folder):
    """The browser is still downloading: Chrome's name for the part it has."""
    data = (folder / LABELS).read_bytes()
    (folder / LABELS).unlink()
    (folder / (LABELS + ".crdownload")).write_bytes(data[:1000])


def spoil_not_gzip(folder):
    (folder / LABELS).write_text("<html><body>404 Not Found</body></html>\n", encoding="utf-8")


def spoil_wrong_file(folder):
    """Another dataset's file under this name: right format, wrong size."""
    shutil.copy(folder / "t10k-labels-idx1-ubyte.gz", folder / LABELS)


def spoil_same_size(folder):
    """Same size, other content: like MNIST's file of the same name."""
    data = bytearray(raw(LABELS))
    data[-1] = (data[-1] + 1) % 10
    (folder / LABELS).write_bytes(gzip.compress(bytes(data)))


@pytest.mark.parametrize(
    "spoil, problem",
    [
        (spoil_missing, "missing"),
        (spoil_unfinished, "unfinished"),
        (spoil_partial, "not_gzip"),
        (spoil_corrupt, "not_gzip"),
        (spoil_not_gzip, "not_data"),
        (spoil_wrong_file, "bad_size"),
        (spoil_same_size, "bad_hash"),
    ],
    ids=["missing", "unfinished", "partial", "corrupt", "not-gzip", "wrong-file", "same-size-other-content"],
)
def test_a_bad_file_never_replaces_a_good_one(capsys, language, source, home, spoil, problem):
    shutil.copytree(CACHED, home)
    (home / ".keep").write_text("a reader's own file\n")
    before = snapshot(home)
    spoil(source)
    status, said = run_tool(capsys, language, source)
    assert status == 1
    assert_said(said, language, problem, "refused")
    assert snapshot(home) == before, "a refused install must leave the cache exactly as it was"


def test_a_refused_install_writes_nothing(capsys, language, source, home):
    spoil_corrupt(source)
    status, said = run_tool(capsys, language, source)
    assert status == 1
    assert_said(said, language, "not_gzip", "refused")
    assert not home.parent.parent.exists(), "nothing may be created, not even the cache folder"


def test_a_missing_folder_is_named(capsys, language, tmp_path, home):
    status, said = run_tool(capsys, language, tmp_path / "no-such-folder")
    assert status == 2
    assert_said(said, language, "no_source")
    assert not home.exists()


def test_a_failed_write_leaves_no_half_file(capsys, source, home, monkeypatch):
    """The disk fills up while the third file is written: the files already
    installed are whole, and no partial file is left behind."""
    real_fdopen, calls = os.fdopen, []

    def failing_fdopen(fd, *args, **kwargs):
        calls.append(fd)
        handle = real_fdopen(fd, *args, **kwargs)
        if len(calls) == 3:
            handle.write(b"\x1f\x8b half")
            handle.flush()
            handle.write = lambda data: (_ for _ in ()).throw(OSError(28, "No space left on device"))
        return handle

    monkeypatch.setattr(tool.os, "fdopen", failing_fdopen)
    status = tool.main([str(source), "--lang", "en"])
    said = capsys.readouterr().out
    assert status == 3, said
    assert SAID["not_writable"][1] in said
    left = sorted(p.name for p in home.iterdir())
    assert left == sorted(NAMES[:2]), f"only the two whole files may be there, found {left}"
    for name in left:
        assert (home / name).read_bytes() == (source / name).read_bytes()


# --- as a reader runs it -----------------------------------------------------


def test_without_a_folder_it_checks_the_cache(tmp_path):
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "zh_CN.UTF-8", "KERAS_HOME": str(tmp_path)}
    result = run([sys.executable, str(SCRIPT)], env=env, timeout=120)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "缓存里有 4 个文件缺少或损坏" in result.stdout
    assert "python " in result.stdout and "install_fashion_mnist.py 文件夹路径" in result.stdout
    env.update(KERAS_HOME=str(KERAS_HOME), LANG="en_US.UTF-8")
    result = run([sys.executable, str(SCRIPT)], env=env, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "All four files in the cache are intact" in result.stdout


# --- the commands on the pages (Fashion-MNIST without Google) ---------------------


def installs_into_a_fresh_cache(cmd: Command, folder: Path | None, tmp_path: Path) -> None:
    """The tool as a reader runs it, as a separate process: the four files
    land, intact, in a fresh Keras cache. The folder is the page's own when it
    exists here (Debian's), else one holding the four files."""
    home = tmp_path / "keras-home"
    folder = folder or copy_fashion_mnist(tmp_path / "downloads")
    result = run(
        [sys.executable, str(SCRIPT), str(folder)],
        env={"PATH": "/usr/bin:/bin", "KERAS_HOME": str(home), "LANG": "zh_CN.UTF-8"}, timeout=120)
    assert result.returncode == 0, f"{cmd.where}: {result.stdout}{result.stderr}"
    for name in FASHION_MNIST_FILES:
        assert (home / "datasets" / "fashion-mnist" / name).read_bytes() == (folder / name).read_bytes()


@pytest.mark.parametrize("twins", commands(r'python3? tools/install_fashion_mnist\.py (\S+|"[^"]+")'))
def test_the_install_command_installs(twins: Commands, tmp_path):
    cmd = twins[0]
    folder = Path(cmd.argv[2])
    installs_into_a_fresh_cache(cmd, folder if folder.is_absolute() and folder.is_dir() else None, tmp_path)


@pytest.mark.parametrize("twins", commands(r'python tools\\install_fashion_mnist\.py (\S+|"[^"]+")'))
def test_the_windows_install_command_installs(twins: Commands, tmp_path):
    """The same tool, typed in PowerShell or cmd. Its script path is the same
    file; its folder is one that Windows Python reads as an absolute path (the
    tool expands ~ itself, in either shell). The effect is checked as above."""
    cmd = twins[0]
    script, folder = re.fullmatch(r'python (\S+) (\S+|"[^"]+")', cmd.text).groups()
    folder = folder.strip('"')
    assert ROOT / PureWindowsPath(script).as_posix() == SCRIPT
    with mock.patch.dict(os.environ, {"USERPROFILE": r"C:\Users\reader"}):
        expanded = ntpath.expanduser(folder)
    assert "/" not in folder and ntpath.isabs(expanded), (
        f"{cmd.where}: {folder!r} is not a Windows path the tool can find (expands to {expanded!r})"
    )
    installs_into_a_fresh_cache(cmd, None, tmp_path)


DEBIAN_FOLDER = Path("/usr/share/datasets/fashion-mnist")


@pytest.mark.parametrize("twins", commands(r"sudo apt(-get)? install (-y )?dataset-fashion-mnist"))
def test_debians_package_holds_the_four_good_files(twins: Commands):
    """The package is the one the test command installs (see Makefile): its
    files are the four the page names, where the page says, and they are good."""
    if not shutil.which("dpkg"):
        pytest.skip("not a Debian/Ubuntu machine: dpkg is missing")
    listed = run(["dpkg", "-L", "dataset-fashion-mnist"])
    assert listed.returncode == 0, f"{twins[0].where}: dataset-fashion-mnist is not installed here (make data installs it)"
    files = sorted(Path(line).name for line in listed.stdout.split()
                   if line.startswith(f"{DEBIAN_FOLDER}/") and line.endswith(".gz"))
    assert files == FASHION_MNIST_FILES, listed.stdout
    for name in FASHION_MNIST_FILES:
        assert tool.check(DEBIAN_FOLDER / name, name)[0] == "ok", name
