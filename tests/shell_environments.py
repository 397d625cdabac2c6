"""Shell kinds: Python, virtual environments, conda, the backend variable, the
check script, and the Windows commands, emulated (tests/shell_commands.py)."""

from __future__ import annotations

import errno
import re
import subprocess
import sys
import sysconfig
import tempfile
import venv
from pathlib import Path
from unittest import mock

import pytest
from pip._internal.commands import install as pip_install

from doctor import keras_setup, system  # tools/doctor/, the check script's own checks
from harness.lessons import KERAS_HOME
from harness.pages import ROOT
from install_pages import clean_env, promised_output, section_lines
from shell_commands import (
    WINDOWS_EXAMPLE, Command, _fence_environment, _once, _page_commands, command, commands_in, run_once,
)

_BACKEND_VALUE = r"(tensorflow|jax|torch)"


@command("set the backend in PowerShell (emulated)", r'\$env:KERAS_BACKEND = "' + _BACKEND_VALUE + '"')
def powershell_backend(cmd: Command) -> None:
    """PowerShell cannot run here. What is proved: the value is a backend, and
    a command after it in the block runs with KERAS_BACKEND set to it: a
    one-liner (the check below runs it with the variable set, and it must print
    what the block promises) or an example (run_example_windows reads the
    variable; tests/test_reader_road.py runs every example under every backend)."""
    _check_variable_is_used(cmd)


@command("set the backend in cmd (emulated)", r"set KERAS_BACKEND=" + _BACKEND_VALUE)
def cmd_backend(cmd: Command) -> None:
    """cmd.exe cannot run here; as for PowerShell above."""
    _check_variable_is_used(cmd)


def _check_variable_is_used(cmd: Command) -> None:
    later = commands_in(cmd.fence)
    later = later[[c.text for c in later].index(cmd.text) + 1 :]
    assert any(re.fullmatch(_ONE_LINER, c.text) or re.fullmatch(WINDOWS_EXAMPLE, c.text) for c in later), (
        f"{cmd.where}: nothing after {cmd.text!r} in this block shows its effect"
    )


_ONE_LINER = r'python3? -c "(?![^"]*torch\.cuda)[^"]+"'  # not the card check below: no card here


def _one_liner_output(code: str, settings: dict, where: str) -> list[str]:
    """What ``python -c code`` printed with these settings, run once per test
    run (run_once): the bash, PowerShell and cmd blocks of a tab, and the zh
    and en pages, run the same thing, each in a test of its own."""

    def run() -> list[str]:
        with tempfile.TemporaryDirectory() as tmp:
            result = subprocess.run(
                [sys.executable, "-c", code], cwd=tmp, env=clean_env(KERAS_HOME=tmp, **settings),
                capture_output=True, text=True, timeout=300,
            )
        assert result.returncode == 0, f"{where}: python -c {code!r} failed:\n{result.stderr[-3000:]}"
        return [line.rstrip() for line in result.stdout.splitlines()]

    return run_once(["one-liner", code, sorted(settings.items())], run)


def _run_one_liner(cmd: Command, code: str, backend: str | None) -> None:
    """Run the one-liner (once per code and environment); check every block's
    promises against that run."""
    settings = _fence_environment(cmd)
    if backend:
        settings["KERAS_BACKEND"] = backend
    printed = _one_liner_output(code, settings, cmd.where)
    position = 0
    for text in promised_output(cmd.fence, cmd.text):
        assert text in printed[position:], f"{cmd.where}: promises {text!r}, printed {printed}"
        position = printed.index(text, position) + 1


@command("run a Python one-liner", _ONE_LINER)
def python_one_liner(cmd: Command) -> None:
    """Runs as a reader would (no KERAS_BACKEND unless the block sets one, a fresh
    Keras home); what it prints must include the block's `# ->` lines, in order."""
    _run_one_liner(cmd, cmd.argv[-1], backend=None)


@command("run a Python one-liner under a backend", r"KERAS_BACKEND=" + _BACKEND_VALUE + " " + _ONE_LINER)
def python_one_liner_backend(cmd: Command) -> None:
    _run_one_liner(cmd, cmd.argv[-1], backend=cmd.argv[0].split("=", 1)[1])


@command("make a virtual environment", r"python3? -m venv \.venv")
@_once(lambda cmd: tuple(cmd.argv[1:]))
def make_venv(cmd: Command) -> None:
    """Runs it for real, in a temporary folder."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, *cmd.argv[1:]], cwd=tmp, check=True, timeout=300)
        made = Path(tmp) / ".venv"
        assert (made / "pyvenv.cfg").is_file() and (made / "bin" / "pip").exists()
        assert (made / "bin" / "Activate.ps1").is_file()  # also made on Windows, in Scripts\


@command("activate the virtual environment (bash)", r"source \.venv/bin/activate")
def activate_venv(cmd: Command) -> None:
    """In bash, after sourcing it, `python` is the virtual environment's."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", ".venv"], cwd=tmp, check=True, timeout=120)
        result = subprocess.run(
            ["bash", "-c", cmd.text + ' && python -c "import sys; print(sys.prefix)"'],
            cwd=tmp, capture_output=True, text=True, timeout=60, env={"PATH": "/usr/bin:/bin", "HOME": tmp},
        )
        assert result.stdout.strip() == str(Path(tmp) / ".venv"), result.stdout + result.stderr


@command("activate the virtual environment (PowerShell, emulated)", r"\.venv\\Scripts\\Activate\.ps1")
def activate_venv_powershell(cmd: Command) -> None:
    """PowerShell cannot run here. What is proved: venv puts its scripts in
    `Scripts` on Windows and ships Activate.ps1 in every virtual environment."""
    scripts = sysconfig.get_path("scripts", "nt", vars={"base": ".venv", "platbase": ".venv"})
    assert Path(scripts).name == "Scripts", scripts
    assert (Path(venv.__file__).parent / "scripts" / "common" / "Activate.ps1").is_file()


@command("make a conda environment (emulated)", r"conda create -n [a-z0-9_-]+ python=3\.\d+")
def conda_create(cmd: Command) -> None:
    """conda is not installed here. What is proved: it asks for Python only, at
    a version inside the window the check script accepts."""
    _in_window(cmd, cmd.argv[-1].split("=", 1)[1])
    assert len(cmd.argv) == 5, f"{cmd.where}: conda should install Python only, not {cmd.argv[4:]}"


@command("activate a conda environment (emulated)", r"conda activate [a-z0-9_-]+")
def conda_activate(cmd: Command) -> None:
    """conda is not installed here; the name must be the one created just before."""
    created = [c.argv[3] for c in commands_in(cmd.fence) if c.text.startswith("conda create -n ")]
    assert cmd.argv[-1] in created, f"{cmd.where}: no `conda create -n {cmd.argv[-1]}` before it"


@command("run the check script with options", r"python3? tools/check_install\.py(?: --network| --lang (?:zh|en))+")
@_once(lambda cmd: cmd.text)
def check_install_options(cmd: Command) -> None:
    """Runs it. With --network every host is made unreachable (a proxy that
    refuses), so the check is fast and the same everywhere: it must report
    each host without a traceback and still exit 0."""
    env = clean_env(KERAS_HOME=str(KERAS_HOME), HTTPS_PROXY="http://127.0.0.1:9", HTTP_PROXY="http://127.0.0.1:9")
    with tempfile.TemporaryDirectory() as tmp:
        result = subprocess.run(
            [sys.executable, str(ROOT / cmd.argv[1]), *cmd.argv[2:]],
            cwd=tmp, env=env, capture_output=True, text=True, timeout=300,
        )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    if "--network" in cmd.argv:
        assert "storage.googleapis.com" in result.stdout and "TUNA" in result.stdout, result.stdout
    if "--lang" in cmd.argv:
        title = {"zh": "Keras 安装检查", "en": "Keras install check"}[cmd.argv[cmd.argv.index("--lang") + 1]]
        assert result.stdout.startswith(title), result.stdout

# --- Windows, first-class (docs/*/installation.md) -----------------------------
# None of these can run here (no Windows, no NVIDIA card). Each check proves
# what can be proved on Linux and its docstring says what is only emulated.


def _in_window(cmd: Command, version: str) -> None:
    parsed = tuple(int(n) for n in version.split("."))
    assert system.PYTHON_MIN <= parsed <= system.PYTHON_MAX, (
        f"{cmd.where}: Python {version} is outside the check script's window "
        f"{system.PYTHON_MIN}..{system.PYTHON_MAX}"
    )


@command("install a Python with the Windows install manager (emulated)", r"py install 3\.\d+")
def py_install(cmd: Command) -> None:
    """The Python install manager cannot run here. What is proved: the version
    is inside the check script's PYTHON_MIN..PYTHON_MAX window, and it is the
    version the page's `py -X.Y -m venv` later makes the environment with."""
    version = cmd.argv[-1]
    _in_window(cmd, version)
    venvs = _page_commands(cmd, r"py -3\.\d+ -m venv \.venv")
    assert venvs and all(c.argv[1] == "-" + version for c in venvs), (
        f"{cmd.where}: the page installs {version} but makes its environment with {[c.text for c in venvs]}"
    )


@command("list the installed Pythons with the Windows launcher (emulated)", r"py --list")
def py_list(cmd: Command) -> None:
    """The launcher cannot run here. What is proved: the block installs a
    Python just before listing them, so the list the reader sees includes it."""
    earlier = [c.text for c in commands_in(cmd.fence)]
    assert any(re.fullmatch(r"py install 3\.\d+", text) for text in earlier[: earlier.index(cmd.text)]), (
        f"{cmd.where}: nothing before `py --list` in this block installs a Python"
    )


@command("make a virtual environment with the Windows launcher (emulated)", r"py -3\.\d+ -m venv \.venv")
@_once(lambda cmd: cmd.text)
def py_make_venv(cmd: Command) -> None:
    """The launcher cannot run here. What is proved: the version is inside the
    check script's window; the folder is the one the block then activates
    (`.venv\\Scripts\\Activate.ps1`); and `-m venv .venv` itself runs, with
    this machine's Python, as in the bash tab."""
    _in_window(cmd, cmd.argv[1][1:])
    later = [c.text for c in commands_in(cmd.fence)]
    assert later[later.index(cmd.text) + 1 :][:1] == [r".venv\Scripts\Activate.ps1"], (
        f"{cmd.where}: the block does not activate the environment it makes"
    )
    make_venv(Command(cmd.fence, "python -m venv .venv"))


LONG_PATHS_KEY = r"HKLM:\SYSTEM\CurrentControlSet\Control\FileSystem"


@command(
    "allow long paths in PowerShell (emulated)",
    r'New-ItemProperty -Path "HKLM:\\SYSTEM\\CurrentControlSet\\Control\\FileSystem" -Name "LongPathsEnabled" '
    r"-Value 1 -PropertyType DWORD -Force",
)
def allow_long_paths(cmd: Command) -> None:
    """PowerShell and the registry cannot be reached here. What is proved: the
    key and value are the ones CPython's Windows documentation names
    (`LongPathsEnabled` = 1 under HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\FileSystem,
    quoted here), and pip's own message for a path over 260 characters on
    Windows (its WINDOWS flag patched) sends the reader to long-path support,
    as the page says."""
    documented = r"HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\FileSystem"
    arguments = dict(zip(cmd.argv[1::2], cmd.argv[2::2]))
    assert arguments["-Path"] == LONG_PATHS_KEY == documented.replace("HKEY_LOCAL_MACHINE", "HKLM:")
    assert (arguments["-Name"], arguments["-Value"], arguments["-PropertyType"]) == ("LongPathsEnabled", "1", "DWORD")
    long_path = "C:\\Users\\reader\\keras\\.venv\\Lib\\site-packages" + "\\tensorflow-folder" * 15 + "\\a.h"
    error = FileNotFoundError(errno.ENOENT, "No such file or directory", long_path)
    with mock.patch.object(pip_install, "WINDOWS", True):
        message = pip_install.create_os_error_message(error, False, False)
    assert "does not have Windows Long Path support enabled" in message, message


@command("show each NVIDIA card's compute capability (emulated)", r"nvidia-smi --query-gpu=name,compute_cap --format=csv")
def nvidia_compute_capability(cmd: Command) -> None:
    """There is no NVIDIA card here. What is proved: the lowest compute
    capability the installed TensorFlow was built for (its build info, as the
    check script reads it) is the one the page's section states."""
    build = keras_setup.tensorflow_build_info()
    lowest = min(int(re.sub(r"\D", "", arch)) for arch in build["cuda_compute_capabilities"])
    stated = f"{lowest // 10}.{lowest % 10}"
    language = cmd.fence.page.parent.name
    text = " ".join(section_lines(language, "installation.md", "compute-capability"))
    assert f" {stated} " in text, f"{cmd.where}: TensorFlow's lowest compute capability is {stated}; the page does not say so"


GPU_RUN = ROOT.parent / "shared" / "reference" / "gpu-run-2026-11-30"  # see its README


@command(
    "check that PyTorch sees the NVIDIA card (emulated)",
    r'python -c "import torch; print\(torch\.cuda\.is_available\(\), torch\.cuda\.get_device_name\(0\)\)"',
)
@_once(lambda cmd: (cmd.fence.page.name, cmd.fence.code))
def torch_sees_the_card(cmd: Command) -> None:
    """There is no NVIDIA card here. What is proved: the command stops with
    the error that the page's section names for the torch found here (a CUDA
    build without a driver: "Found no NVIDIA driver"; a CPU-only build, as
    PyPI's for Windows: "Torch not compiled with CUDA enabled", which torch's
    own source raises for every CPU-only build); and the block promises `True`
    and the card that the install doctor (which asks
    torch.cuda.get_device_name too) named on the GPU run,
    ../shared/reference/gpu-run-2026-11-30/doctor-torch.txt."""
    import torch

    cpu_only = "AssertionError: Torch not compiled with CUDA enabled"
    no_driver = "RuntimeError: Found no NVIDIA driver on your system."
    assert 'raise AssertionError("Torch not compiled with CUDA enabled")' in Path(torch.cuda.__file__).read_text(encoding="utf-8")
    result = subprocess.run([sys.executable, "-c", cmd.argv[-1]], env=clean_env(), capture_output=True, text=True, timeout=300)
    error = result.stderr.strip().splitlines()[-1]
    expected = cpu_only if torch.version.cuda is None else no_driver
    assert result.returncode != 0 and error.startswith(expected), result.stderr
    language = cmd.fence.page.parent.name
    section = " ".join(line.strip() for line in section_lines(language, "installation.md", "gpu-windows-pytorch"))
    for named in (cpu_only, no_driver):
        assert f"`{named}`" in section, f"{cmd.where}: the section does not name the error {named!r}"
    doctor = GPU_RUN / "doctor-torch.txt"
    if not doctor.is_file():
        pytest.skip(f"the GPU run's files are not here: {GPU_RUN}")
    card = re.search(r"\[ok\] +torch sees 1 GPU\(s\): (.+)", doctor.read_text(encoding="utf-8"))[1].strip()
    assert promised_output(cmd.fence, cmd.text) == [f"True {card}"], f"{cmd.where}: the GPU run's card was {card}"
    assert f"`[ok]   torch sees 1 GPU(s): {card}`" in section, f"{cmd.where}: the section does not quote the doctor's line"
